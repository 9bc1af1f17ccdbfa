"""Deterministic generator of the "marketplace" planted set: a second, independent ad-moderation audit sample.

It exists to check the clustering defaults on data they were not tuned on, so it shares no phrase pools, themes
or writing style with the demo set (``eval_sets/demo_data.py``). Each planted theme is a *mechanism* (what set the
decision off, how it was misread, what it really is, why, and the fix); every misjudged row is an audit record
rendered into a note by one of several QA reviewer personas with their own style (ticket shorthand, formal
sentences, checklists, chat, the market's language). Fourteen themes over eleven locales and four ISO weeks
(2026-W44 .. 2026-W47), one-off ``noise`` errors and correct decisions. All personal data is fake.

    python -m eval_sets.marketplace_data --out eval_sets/marketplace/cases.csv [--summary]

Standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from collections import Counter
from pathlib import Path

from eval_sets.demo_data import COLUMNS, iso_week, write_csv  # same schema, CSV format and ISO weeks as the demo

DEFAULT_SEED = 2026
DEFAULT_OUT = Path(__file__).resolve().parent / "marketplace" / "cases.csv"
WEEK_START = dt.datetime(2026, 10, 26, tzinfo=dt.timezone.utc)  # Monday of ISO week 2026-W44
WEEK_LABELS = [f"2026-W{44 + i}" for i in range(4)]
CORRECT_RATIO = 1.2  # correct rows per misjudged row
AGREEING_TWINS = 46  # correct human rows that get a second, agreeing judgement

LANG = {"en-US": "en", "en-IN": "en", "id-ID": "id", "pt-BR": "pt", "tr-TR": "tr", "vi-VN": "vi", "ar-SA": "ar",
        "ko-KR": "ko", "pl-PL": "pl", "it-IT": "it", "th-TH": "th"}
LOCALE_WEIGHTS = {"en-US": 22, "en-IN": 14, "id-ID": 10, "pt-BR": 10, "tr-TR": 8, "vi-VN": 7, "ar-SA": 7,
                  "ko-KR": 7, "pl-PL": 6, "it-IT": 6, "th-TH": 5}
REVIEWERS = [f"rv_{i}" for i in range(101, 149)]
CITY = {"en-US": ["Tucson", "Omaha", "Raleigh", "Boise", "Fresno"], "en-IN": ["Pune", "Kochi", "Jaipur", "Indore"],
        "id-ID": ["Bandung", "Surabaya", "Medan", "Makassar"], "pt-BR": ["Belo Horizonte", "Fortaleza", "Manaus"],
        "tr-TR": ["İzmir", "Bursa", "Antalya"], "vi-VN": ["Đà Nẵng", "Hải Phòng", "Cần Thơ"],
        "ar-SA": ["جدة", "الدمام", "الرياض"], "ko-KR": ["부산", "대구", "인천"], "pl-PL": ["Poznań", "Gdańsk", "Łódź"],
        "it-IT": ["Verona", "Bari", "Torino"], "th-TH": ["เชียงใหม่", "ขอนแก่น", "ภูเก็ต"]}
PRICE = {"en-US": "${}", "en-IN": "₹{}00", "id-ID": "Rp{}.000", "pt-BR": "R${}", "tr-TR": "₺{}0", "vi-VN": "{}0.000₫",
         "ar-SA": "{} ر.س", "ko-KR": "₩{},000", "pl-PL": "{} zł", "it-IT": "€{}", "th-TH": "฿{}0"}
BRAND_A = ["Kalo", "Mira", "Sunda", "Vento", "Arun", "Duma", "Lumo", "Tera", "Ozi", "Beno", "Rasa", "Yuki", "Zeta"]
BRAND_B = ["via", "go", "nest", "mart", "care", "hub", "point", "line", "wise", "ly"]

# --------------------------------------------------------------------------------------------------
# Reviewer personas. Slots: {trig} what set the decision off, {wrong} how it was read, {right} what it is,
# {why} the reasoning, {fix} the follow-up, {issue} a short label, {code} a ticket code, {who} the decider,
# {pol} the policy. Each persona renders the same audit record in its own style.
# --------------------------------------------------------------------------------------------------

PERSONAS = {
    "ticket": {"FP": [
        "OVK. kw hit '{trig}' -> {right}. n/a {pol}", "{code} {right}, not {wrong}. {fix}",
        "fp/{who}: '{trig}' ≠ {wrong}. ok to run", "{code} // {issue} // revert", "ovk - {right}; {why}",
        "rej->appr. {issue}. {fix}"], "FN": [
        "MISS. {right}. {who} read it as {wrong}. rej", "{code}: '{trig}' overlooked -> {right}. {fix}",
        "fn/{who} - {why}. rej", "{code} // {issue} // reject", "appr->rej. {issue}", "missed: {right} ({trig})"]},
    "formal": {"FP": [
        "The {who} treated this as {wrong}, but the ad promotes {right}. {Why}.",
        "{Why}. The advertiser offers {right}, so the rejection under {pol} does not stand.",
        "On review, '{trig}' here refers to {right} rather than {wrong}. Suggested follow-up: {fix}.",
        "Reversed. This is {right}; {why}. I recommend that we {fix}."], "FN": [
        "The {who} approved this as {wrong}. It is in fact {right}. {Why}.",
        "This should not have been approved: {why}. Recommended action: {fix}.",
        "On review the ad is {right}; the signal '{trig}' was not picked up. Rejected under {pol}.",
        "Reversed to reject. {Why}, and the {who} treated it as {wrong}."]},
    "checklist": {"FP": [
        "Policy: {pol} | Issue: {issue} | Fix: {fix}", "Seen as: {wrong} | Actually: {right} | Outcome: approve",
        "[x] {right} [ ] {wrong} => approve. {fix}", "Trigger: '{trig}' / Verdict: benign / Next: {fix}"], "FN": [
        "Policy: {pol} | Issue: {issue} | Fix: {fix}", "Seen as: {wrong} | Actually: {right} | Outcome: reject",
        "[x] {right} [ ] {wrong} => reject. {fix}", "Signal: '{trig}' / Verdict: violating / Next: {fix}"]},
    "chat": {"FP": [
        "honestly this is just {right}. {why}", "again?? '{trig}' does not make it {wrong} lol",
        "{who} panicked at '{trig}'. it's {right}, can we {fix} pls", "meh, {issue} again. approving"], "FN": [
        "how did this get through... {right}. {why}", "{who} let this one slide, {why}",
        "not great - {issue}. can someone {fix}?", "pretty clearly {right}, not {wrong}. rejecting"]},
}
PERSONA_WEIGHTS = {"ticket": 3, "formal": 3, "checklist": 2, "chat": 2}
WHO = {"model": ["model", "classifier", "auto-review", "the filter", "ML"],
       "human": ["reviewer", "moderator", "agent", "1st-line reviewer", "mod"]}

# --------------------------------------------------------------------------------------------------
# The planted themes. ads: {lang: (headlines, bodies)}; local: notes in the market's language;
# look: look-alike ads that were rightly decided (language, final decision, text) for the correct rows.
# --------------------------------------------------------------------------------------------------

_THEMES: list[dict] = [
    dict(label="immunisation_shot_read_as_firearm", policy="weapons", queue="restricted_goods", et="FP",
         root="model_overkill", size=62, weeks=(16, 17, 15, 14), model=0.9, score=(0.82, 0.99),
         locales={"en-US": 5, "en-IN": 3, "id-ID": 2},
         desc="Pharmacy and clinic ads for flu, HPV or travel vaccinations ('get your shot', 'booster', 'jab') "
              "are rejected by the model as firearm content.",
         ads={"en": (["Flu season is here: walk-in shots at {brand}", "Get your booster before the holidays",
                      "Travel jabs in 15 minutes, no appointment", "HPV vaccine now available for ages 9-26",
                      "One shot, a whole winter of protection", "Free flu shots for seniors this Saturday"],
                     ["Pharmacist-administered, most insurance accepted.", "Walk in at any {city} branch.",
                      "Hepatitis A, typhoid and yellow fever for your next trip.",
                      "Bring your vaccination card. From {price}."]),
              "id": (["Vaksin influenza di {brand}, tanpa antre", "Suntik booster sebelum mudik",
                      "Vaksin HPV untuk remaja putri, kini tersedia"],
                     ["Dilayani apoteker bersertifikat di {city}.", "Mulai {price}, bawa kartu vaksin Anda."])},
         trig=["shot", "booster", "jab", "shots", "id::suntik", "one shot"],
         wrong=["firearm content", "weapons promo", "a gun ad", "ammunition", "weapons"],
         right=["a vaccination clinic", "a pharmacy flu vaccine offer", "travel immunisations",
                "a walk-in vaccine service", "an HPV vaccination drive"],
         why=["the only 'shot' here is a needle", "vaccines sit under health services, not weapons",
              "nothing in the creative shows or sells a gun", "pharmacy immunisation offers are explicitly allowed"],
         fix=["teach the model the medical sense of 'shot'", "add vaccine clinics to the FP set",
              "exempt healthcare advertisers from the firearm lexicon", "retrain on pharmacy creatives"],
         issue=["medical 'shot' read as firearm", "vaccine ad hit the gun lexicon", "jab/booster false positive"],
         code=["WPN-OVK", "OVK/WPN", "wpn fp"],
         local={"id": ["iklan vaksin, bukan senjata. 'suntik' bukan tembakan", "Ini layanan vaksinasi apotek, "
                       "model salah baca sebagai senjata api. Setujui.",
                       "OVK. vaksin flu -> kesehatan, bukan senjata"]},
         look=[("en", "reject", "Shot placement clinic at our indoor range. 9mm rentals, ammo sold on site."),
               ("en", "approve", "Flu vaccines at {brand} pharmacy, walk in any weekday."),
               ("en", "reject", "Buy 500 rounds, free shipping. Stock up before the price hike.")]),
    dict(label="hair_restoration_read_as_adult", policy="adult_content", queue="health_beauty", et="FP",
         root="model_overkill", size=40, weeks=(10, 9, 11, 10), model=0.85, score=(0.75, 0.97),
         locales={"tr-TR": 4, "en-US": 2, "ar-SA": 2, "it-IT": 2},
         desc="Hair-transplant and hair-loss clinic ads with scalp close-ups and shirtless 'after' photos are "
              "rejected as adult or sexual content.",
         ads={"en": (["FUE hair transplant, 4,000 grafts, all inclusive", "Thinning on top? See our patients at 12 "
                      "months", "Your hairline, restored"], ["Clinic package with hotel and transfers from {price}.",
                      "Free online scalp analysis."]),
              "tr": (["Saç ekimi: 5.000 greft, her şey dahil", "Sakal ve kaş ekiminde kış kampanyası",
                      "DHI saç ekimi {city}'de"], ["Otel ve transfer dahil {price}.", "Ücretsiz online saç analizi."]),
              "ar": (["زراعة الشعر بتقنية FUE في {city}", "استعد كثافة شعرك خلال ١٢ شهراً"],
                     ["باقة شاملة الفندق والمواصلات.", "استشارة مجانية عبر الإنترنت."]),
              "it": (["Trapianto di capelli FUE, tutto incluso", "Diradamento? Guarda i risultati a 12 mesi"],
                     ["Pacchetto con hotel da {price}.", "Analisi del cuoio capelluto gratuita."])},
         trig=["bare skin", "shirtless after photo", "scalp close-up", "nude-looking scalp", "skin exposure"],
         wrong=["adult content", "sexual imagery", "nudity", "suggestive content"],
         right=["a hair-transplant clinic", "hair-loss treatment", "a FUE/DHI clinic package",
                "a beard and hairline clinic"],
         why=["a scalp is not nudity", "the 'after' photo is a patient portrait, nothing sexual",
              "medical before/after of the head is allowed with the disclaimer present",
              "skin detector fires on shaved heads"],
         fix=["exclude scalp crops from the nudity detector", "add hair clinics to the medical allow-list",
              "send skin-score hits from clinics to human review"],
         issue=["scalp photo flagged as nudity", "hair clinic caught by the skin detector", "clinic photo as adult"],
         code=["ADLT-OVK", "ovk/adult", "ADL fp"],
         local={"tr": ["Saç ekimi kliniği, müstehcen içerik yok. Onay.", "Model kafa derisini çıplaklık sandı.",
                       "çıplaklık değil, sonrası fotoğrafı. onaylandı",
                       "Tıbbi saç ekimi reklamı; cilt dedektörü yanlış alarm verdi."],
                "ar": ["إعلان عيادة زراعة شعر وليس محتوى للبالغين", "صورة فروة الرأس ليست عُرياً. موافقة."],
                "it": ["Clinica tricologica, nessun contenuto per adulti. Approvato.",
                       "il modello ha scambiato il cuoio capelluto per nudità"]},
         look=[("en", "reject", "Hot singles near {city} want to meet you tonight. 18+ only."),
               ("tr", "approve", "Saç ekimi kliniğimizde ücretsiz analiz, {city}.")]),
    dict(label="ngo_issue_ads_without_authorisation", policy="social_issues", queue="social_issues", et="FN",
         root="policy_ambiguity", size=45, weeks=(11, 12, 11, 11), model=0.2, score=(0.1, 0.45),
         locales={"pl-PL": 4, "en-US": 4, "pt-BR": 2},
         desc="Issue-advocacy ads by NGOs and charities (climate, migration, a referendum) run without the "
              "advertiser authorisation and 'paid for by' line; reviewers read them as charity appeals.",
         ads={"en": (["Tell your senator: protect the wetlands bill", "The ballot measure on rent control needs you",
                      "Stand with refugees - sign the petition", "Vote YES on Question 3 for clean water"],
                     ["Sign, share, and call your representative.", "Join 40,000 neighbours in {city}."]),
              "pl": (["Podpisz petycję w sprawie ustawy o klimacie", "Referendum lokalne: zagłosuj za parkiem",
                      "Powiedz posłom: nie dla zmian w prawie"], ["Dołącz do nas w {city}.", "Udostępnij dalej."]),
              "pt": (["Assine: pela aprovação do projeto de lei do clima", "Diga não à reforma - pressione seu "
                      "deputado"], ["Junte-se a nós em {city}.", "Compartilhe com seus amigos."])},
         trig=["petition", "ballot measure", "call your senator", "referendum", "bill"],
         wrong=["a charity appeal", "a donation ad", "community news", "general awareness"],
         right=["issue advocacy", "a social-issue ad on pending legislation", "referendum campaigning",
                "political issue content from an NGO"],
         why=["it urges action on a specific bill, so authorisation is required",
              "no 'paid for by' disclaimer and the advertiser is not verified",
              "the policy's charity carve-out does not cover lobbying", "it names legislation and asks for votes"],
         fix=["clarify where charity ends and issue advocacy starts", "add an example of NGO lobbying to the policy",
              "check authorisation whenever legislation is named"],
         issue=["unverified issue ad", "advocacy read as charity", "no paid-for-by line"],
         code=["SOC-FN", "issue/miss", "SI fn"],
         local={"pl": ["Reklama dotyczy ustawy, wymagana autoryzacja reklamodawcy. Odrzucone.",
                       "to nie jest zbiórka charytatywna, tylko kampania w sprawie referendum",
                       "brak informacji 'sfinansowano przez'. odrzucam"],
                "pt": ["Anúncio de causa sobre projeto de lei, sem autorização do anunciante. Reprovado.",
                       "não é doação, é advocacy política. falta 'pago por'"]},
         look=[("en", "approve", "Donate a winter coat: drop-off points across {city}."),
               ("en", "approve", "Paid for by Wetlands Action Fund. Tell your senator to protect the bill."),
               ("pl", "approve", "Zbiórka karmy dla schroniska w {city}. Pomóż zwierzakom!")]),
    dict(label="online_pharmacy_without_prescription", policy="unapproved_pharma", queue="health_beauty", et="FN",
         root="model_miss", size=70, weeks=(17, 18, 17, 18), model=0.75, score=(0.08, 0.42),
         locales={"vi-VN": 3, "th-TH": 3, "id-ID": 3, "pt-BR": 2, "en-IN": 2},
         desc="Online pharmacies selling prescription-only medicines (antibiotics, sildenafil, isotretinoin) "
              "'without a prescription' are approved; the ads are in many languages.",
         ads={"en": (["Antibiotics delivered in 2 hours, no doctor visit", "Generic sildenafil 100mg, discreet "
                      "shipping", "Isotretinoin 20mg, 30 caps, {price}"], ["No prescription needed. WhatsApp us.",
                      "Cash on delivery across {city}."]),
              "vi": (["Thuốc kháng sinh giao tận nơi, không cần đơn", "Sildenafil chính hãng, giao kín đáo"],
                     ["Không cần toa bác sĩ. Nhắn Zalo.", "Giao nhanh tại {city}, {price}."]),
              "th": (["ยาปฏิชีวนะส่งถึงบ้าน ไม่ต้องมีใบสั่งแพทย์", "ไอโซเตรติโนอิน ราคาถูก ส่งไว"],
                     ["สั่งทางไลน์ได้เลย", "ส่งฟรีใน{city} เริ่ม {price}"]),
              "id": (["Obat antibiotik tanpa resep, kirim hari ini", "Sildenafil asli, pengiriman rahasia"],
                     ["Tanpa resep dokter. Pesan via WA.", "COD di {city}, mulai {price}."]),
              "pt": (["Antibiótico sem receita, entrega em 24h", "Isotretinoína com desconto, envio discreto"],
                     ["Não precisa de receita. Chame no WhatsApp.", "Frete grátis para {city}."])},
         trig=["no prescription needed", "without a doctor", "pt::sem receita", "vi::không cần đơn", "id::tanpa resep",
              "th::ไม่ต้องมีใบสั่งแพทย์", "no Rx required"],
         wrong=["a regular pharmacy", "a health shop", "OTC medicine", "a wellness store"],
         right=["an unlicensed online pharmacy", "Rx-only drugs sold without prescription",
                "prescription medicine via chat app", "an unverified drug seller"],
         why=["antibiotics and sildenafil are prescription-only in this market",
              "no pharmacy licence number anywhere on the site", "orders go through a messaging app, no pharmacist",
              "the ad itself says no prescription is required"],
         fix=["add 'no prescription' phrases in all languages to the model", "require a pharmacy licence check",
              "route chat-app pharmacies to human review"],
         issue=["Rx drugs w/o prescription", "unlicensed pharmacy approved", "no licence, Rx meds"],
         code=["PHRM-FN", "rx/miss", "UNL-PH"],
         local={"vi": ["Bán thuốc kê đơn không cần toa, nhà thuốc không có giấy phép. Từ chối.",
                       "kháng sinh không cần đơn -> vi phạm",
                       "Đặt thuốc qua Zalo, không có dược sĩ, không giấy phép."],
                "th": ["ขายยาที่ต้องมีใบสั่งแพทย์โดยไม่มีใบสั่ง ไม่มีใบอนุญาตร้านยา ปฏิเสธ", "ร้านยาเถื่อน พลาดไป"],
                "id": ["Apotek tanpa izin menjual obat keras tanpa resep. Tolak.",
                       "obat keras tanpa resep, lolos model"],
                "pt": ["Farmácia sem licença vendendo remédio tarjado sem receita. Reprovar.",
                       "antibiótico sem receita, o modelo deixou passar"]},
         look=[("en", "approve", "Licensed pharmacy (reg. no. shown). Upload your prescription, delivery in 24h."),
               ("id", "approve", "Vitamin C dan paracetamol, apotek resmi di {city}."),
               ("vi", "approve", "Nhà thuốc có giấy phép, tải đơn thuốc lên để đặt hàng.")]),
    dict(label="veterinary_meds_read_as_drugs", policy="drugs", queue="restricted_goods", et="FP",
         root="moderator_knowledge", size=32, weeks=(8, 8, 8, 8), model=0.0, score=None,
         locales={"en-US": 5, "pl-PL": 3, "it-IT": 2}, mods=["rv_107", "rv_119", "rv_133"],
         desc="Moderators reject flea and tick tablets, dewormers and pet anxiety chews as drugs, though pet "
              "medicines from licensed vets and shops are allowed; three moderators account for most.",
         ads={"en": (["Flea & tick chewables for dogs, 3-month pack", "Dewormer for cats, vet approved",
                      "Calming chews for anxious pets"], ["Ships from a licensed vet pharmacy in {city}.",
                      "From {price}."]),
              "pl": (["Tabletki na pchły i kleszcze dla psów", "Odrobaczanie kota - zestaw"],
                     ["Z licencjonowanej apteki weterynaryjnej.", "Od {price}."]),
              "it": (["Compresse antipulci per cani", "Vermifugo per gatti, consigliato dal veterinario"],
                     ["Da farmacia veterinaria autorizzata.", "Da {price}."])},
         trig=["tablets", "chewables", "dewormer", "calming", "medication"],
         wrong=["recreational drugs", "controlled substances", "drug sales", "pharma"],
         right=["pet parasite treatment", "veterinary medicine", "a flea and tick product", "pet dewormer"],
         why=["animal medicines from licensed vet shops are allowed", "these are not controlled substances",
              "the drugs policy is about human recreational and Rx drugs"],
         fix=["remind the team of the vet-medicine exemption", "add pet meds to reviewer training",
              "add vet examples to the drugs guideline"],
         issue=["vet product rejected as drugs", "pet meds overkill", "flea treatment as drug sale"],
         code=["DRG-OVK", "drg/fp", "VET-fp"],
         local={"pl": ["Leki weterynaryjne są dozwolone, to nie narkotyki. Zatwierdzone.",
                       "preparat na pchły, nie substancja kontrolowana"],
                "it": ["Farmaco veterinario da farmacia autorizzata, non è droga. Approvato."]},
         look=[("en", "reject", "Tramadol 100mg for pets and people, no vet needed, ships worldwide."),
               ("en", "approve", "Grain-free dog food, 12kg bag, free delivery in {city}.")]),
    dict(label="nicotine_pouches_in_banning_markets", policy="tobacco_nicotine", queue="restricted_goods", et="FN",
         root="locale_rule", size=26, weeks=(7, 6, 7, 6), model=0.6, score=(0.2, 0.48),
         locales={"th-TH": 4, "vi-VN": 3, "tr-TR": 3},
         desc="Tobacco-free nicotine pouches are approved in th-TH, vi-VN and tr-TR, where the market annex bans "
              "nicotine products of any kind.",
         ads={"en": (["Tobacco-free nicotine pouches, 12 flavours", "No smoke, no spit: try {brand} pouches"],
                     ["Strengths 4mg to 16mg.", "Free delivery over {price}."]),
              "th": (["ถุงนิโคตินไร้ยาสูบ 12 รสชาติ", "ไม่มีควัน ลองเลย {brand}"], ["ส่งฟรีใน{city}"]),
              "vi": (["Túi nicotine không thuốc lá, 12 hương vị", "Không khói, thử ngay {brand}"],
                     ["Giao nhanh tại {city}."]),
              "tr": (["Tütünsüz nikotin poşeti, 12 aroma", "Dumansız keyif: {brand}"], ["{city} içi ücretsiz kargo."])},
         trig=["tobacco-free", "pouches", "no smoke", "nicotine strength"],
         wrong=["a harmless tobacco-free product", "a smoking alternative", "a product allowed in other markets"],
         right=["a nicotine product in a banning market", "nicotine pouches where they are banned"],
         why=["the market annex bans all nicotine products here", "'tobacco-free' still means nicotine",
              "allowed in some markets, not in this one"],
         fix=["apply the market annex to pouches", "add pouch terms to the banned-market list"],
         issue=["nicotine in a banning market", "pouches missed (market rule)"],
         code=["NIC-FN", "loc/nic"],
         local={"th": ["ถุงนิโคตินผิดกฎหมายในตลาดนี้ ปฏิเสธ", "ตลาดไทยห้ามผลิตภัณฑ์นิโคตินทุกชนิด พลาดไป"],
                "vi": ["Sản phẩm nicotine bị cấm tại thị trường này."],
                "tr": ["Bu pazarda nikotin ürünleri yasak. Reddedildi.",
                       "tütünsüz olsa da nikotin var, pazar kuralı gereği red"]},
         look=[("en", "approve", "Nicotine pouches, 21+ only, ID checked at delivery."),
               ("th", "approve", "หมากฝรั่งเลิกบุหรี่จากร้านขายยา")]),
    dict(label="guaranteed_rental_yield_property", policy="financial_claims", queue="finance_property", et="FN",
         root="guideline_gap", size=44, weeks=(11, 11, 12, 10), model=0.5, score=(0.1, 0.4),
         locales={"en-IN": 4, "ar-SA": 3, "tr-TR": 2, "en-US": 2},
         desc="Off-plan property ads promising a 'guaranteed 8-12% rental yield' or buy-back are approved: the "
              "financial-claims guideline covers investments but says nothing about real estate.",
         ads={"en": (["Guaranteed 10% rental yield for 5 years", "Own a serviced apartment, earn from day one",
                      "Off-plan studios with assured returns"], ["Developer buy-back after 3 years.",
                      "Only 20% down, launch price {price}."]),
              "ar": (["عائد إيجاري مضمون ٩٪ لمدة ٥ سنوات", "شقق على الخارطة بعوائد مضمونة"],
                     ["دفعة أولى ٢٠٪ فقط."]),
              "tr": (["5 yıl garantili %8 kira getirisi", "Topraktan daire, garantili kazanç"],
                     ["Geri alım garantisi. {city}."])},
         trig=["guaranteed yield", "assured returns", "buy-back", "fixed income"],
         wrong=["a property listing", "a real-estate ad", "a homes promo"],
         right=["an investment return promise", "a guaranteed-return claim on property",
                "a yield guarantee without risk warning"],
         why=["it promises a fixed return with no risk statement", "property sold as an investment product",
              "the guideline only lists securities, so reviewers let it pass"],
         fix=["extend the guideline to property investment claims", "add an example yield ad to the guideline"],
         issue=["guaranteed return on property", "yield promise missed", "real-estate investment claim"],
         code=["FIN-FN", "fin/gap"],
         local={"ar": ["وعد بعائد مضمون بدون تحذير من المخاطر. رفض.", "إعلان استثماري وليس مجرد عقار"],
                "tr": ["Garantili getiri vaadi, risk uyarısı yok. Red."]},
         look=[("en", "approve", "3BHK apartments in {city}, possession 2027. Visit the sample flat."),
               ("ar", "approve", "شقق للبيع في {city}، تقسيط مريح")]),
    dict(label="purchase_linked_prize_draws", policy="lottery_sweepstakes", queue="commerce", et="FN",
         root="model_miss", size=36, weeks=(9, 9, 9, 9), model=0.8, score=(0.05, 0.38),
         locales={"pt-BR": 3, "id-ID": 3, "vi-VN": 2},
         desc="Consumer-goods promos where buying the product is the entry to a prize draw (a car, a motorbike, "
              "cash) are approved, though paid-entry lotteries need a permit.",
         ads={"en": (["Buy 2 packs, win a car", "Every receipt is a ticket: scooter draw"], ["Draw on the 30th."]),
              "pt": (["Compre 2 e concorra a um carro 0km", "Cada cupom fiscal vale um número da sorte"],
                     ["Sorteio pela loteria federal.", "Válido em {city}."]),
              "id": (["Beli 3 bungkus, menangkan motor", "Undian berhadiah mobil tiap bulan"],
                     ["Kode unik di balik tutup botol.", "Berlaku di {city}."]),
              "vi": (["Mua 2 hộp, trúng xe máy", "Cào thẻ trúng thưởng 100 triệu"], ["Quay số ngày 30."])},
         trig=["buy to enter", "prize draw", "pt::sorteio", "id::undian", "vi::trúng thưởng", "lucky number"],
         wrong=["a normal discount promo", "a giveaway", "a loyalty campaign"],
         right=["a paid-entry lottery", "a purchase-linked prize draw", "a lottery without permit"],
         why=["entry requires a purchase, which makes it a lottery", "no permit number shown",
              "no free entry route"],
         fix=["teach the model purchase-entry patterns", "ask for the permit number on draws"],
         issue=["paid-entry draw approved", "lottery disguised as promo"],
         code=["LOT-FN", "lot/miss"],
         local={"pt": ["Sorteio vinculado a compra, sem certificado de autorização. Reprovar."],
                "id": ["Undian dengan syarat pembelian tanpa izin. Tolak.", "ini undian berbayar, bukan diskon"],
                "vi": ["Quay số trúng thưởng yêu cầu mua hàng, không có giấy phép."]},
         look=[("pt", "approve", "Leve 3, pague 2 em todos os biscoitos."),
               ("en", "approve", "Free entry: win a bike, no purchase necessary, permit no. shown.")]),
    dict(label="accent_coaching_read_as_violent", policy="violence", queue="general", et="FP",
         root="model_overkill", size=22, weeks=(5, 6, 5, 6), model=1.0, score=(0.71, 0.94),
         locales={"en-IN": 4, "ko-KR": 3, "vi-VN": 2, "en-US": 1},
         desc="Language-school ads with idioms like 'kill your accent', 'crush the IELTS' or 'murder the "
              "interview' are rejected as violent content.",
         ads={"en": (["Kill your accent in 30 days", "Crush the IELTS speaking test", "Murder that job interview"],
                     ["Live classes with native coaches.", "First lesson {price}."]),
              "ko": (["발음 교정, 30일이면 끝", "IELTS 스피킹 박살내기"], ["원어민 코치 라이브 수업."]),
              "vi": (["Diệt giọng địa phương trong 30 ngày", "Đánh bại IELTS Speaking"], ["Học thử {price}."])},
         trig=["kill", "crush", "murder", "destroy", "ko::박살", "vi::diệt"],
         wrong=["violent content", "a threat", "violence"],
         right=["an English pronunciation course", "IELTS prep", "a language school"],
         why=["it's an idiom", "no harm to anyone is depicted or implied"],
         fix=["add idiom examples to the violence model", "whitelist education advertisers for idioms"],
         issue=["idiom read as violence", "'kill your accent' false positive"],
         code=["VIO-OVK", "vio/fp"],
         local={"ko": ["관용 표현일 뿐 폭력 아님. 승인."], "vi": ["Thành ngữ, không phải bạo lực. Duyệt."]},
         look=[("en", "reject", "Street fight compilation: brutal knockouts, watch now."),
               ("en", "approve", "Lose your accent fast with our pronunciation app.")]),
    dict(label="winery_tours_alcohol_split", policy="alcohol", queue="restricted_goods", et="FP",
         root="policy_ambiguity", size=38, weeks=(10, 10, 9, 9), model=0.0, score=None,
         locales={"it-IT": 8, "pt-BR": 2}, twins=14,
         desc="Vineyard tours, agriturismo stays and harvest events are rejected as alcohol ads by some "
              "moderators and approved by others; the policy does not say whether tourism counts.",
         ads={"it": (["Tour in cantina con degustazione a {city}", "Vendemmia in agriturismo: weekend per due",
                      "Passeggiata tra i vigneti al tramonto"], ["Pranzo tipico incluso, {price} a persona.",
                      "Prenota online."]),
              "pt": (["Passeio pelas vinícolas da Serra Gaúcha", "Roteiro de enoturismo com almoço"],
                     ["Saída de {city}, {price}."]),
              "en": (["Vineyard walk and farm lunch in Tuscany"], ["Book online, {price} per person."])},
         trig=["it::cantina", "it::degustazione", "vineyard", "winery", "pt::vinícola", "it::vendemmia"],
         wrong=["alcohol sales", "an alcohol promo", "wine advertising"],
         right=["wine tourism", "an agriturismo stay", "a vineyard tour", "a harvest weekend"],
         why=["nothing is sold, it's a tour", "the policy is silent on tourism, QA approves these",
              "age-gated and no purchase of bottles"],
         fix=["write down whether tours count as alcohol", "align the team on wine tourism",
              "add a tourism example to the alcohol policy"],
         issue=["tour vs alcohol ad", "wine tourism split decision", "reviewers disagree on tours"],
         code=["ALC-?", "alc/split"],
         local={"it": ["È un tour in cantina, non vendita di alcol. Approvato.",
                       "enoturismo: la policy non lo vieta, approvo", "Agriturismo con vigneto, nessun acquisto.",
                       "visita guidata ai vigneti, niente vendita di bottiglie -> ok",
                       "Il collega ha respinto, io approvo: turismo, non alcol."],
                "pt": ["Enoturismo não é venda de bebida. Aprovado."]},
         look=[("it", "reject", "Vino rosso in offerta: 6 bottiglie a {price}, consegna gratuita."),
               ("it", "approve", "Agriturismo con piscina a {city}, colazione inclusa.")]),
    dict(label="solar_subsidy_lead_scam", policy="scams", queue="finance_property", et="FN",
         root="model_miss", size=52, weeks=(3, 9, 16, 24), model=0.7, score=(0.12, 0.46),
         locales={"pl-PL": 4, "it-IT": 3, "en-US": 3},
         desc="Lead-generation ads claiming the government pays 100% of your solar panels, with fake ministry "
              "logos and forms that harvest personal data, are approved; the pattern grows week over week.",
         ads={"en": (["The government will pay for your solar panels", "New 2026 program: free solar for homeowners"],
                      ["Check eligibility in 30 seconds.", "Only for {city} residents."]),
              "pl": (["Rząd zapłaci za Twoje panele", "Darmowa fotowoltaika - nowy program 2026"],
                     ["Sprawdź, czy się kwalifikujesz.", "Tylko dla mieszkańców: {city}."]),
              "it": (["Pannelli solari gratis: paga lo Stato", "Bonus fotovoltaico al 100%, ultimi giorni"],
                     ["Verifica i requisiti in 30 secondi."])},
         trig=["100% subsidy", "free solar", "government pays", "pl::dotacja", "it::bonus 100%"],
         wrong=["a solar installer", "a green energy promo", "a home improvement ad"],
         right=["a fake government subsidy", "a lead-harvesting scam", "a bogus solar grant"],
         why=["no such program exists and the logo is fake", "the form asks for ID and bank details",
              "impersonates a ministry"],
         fix=["add the fake-subsidy pattern to the scam model", "flag ministry logos on non-government sites"],
         issue=["fake subsidy lead-gen", "government impersonation"],
         code=["SCM-FN", "scam/miss"],
         local={"pl": ["Fałszywy program rządowy, formularz zbiera dane osobowe. Odrzucone.", "podszywanie się "
                       "pod ministerstwo, brak takiej dotacji"],
                "it": ["Falso bonus statale, raccolta dati. Respinto."]},
         look=[("en", "approve", "Solar panels installed in 2 days, financing from {price}/month."),
               ("pl", "approve", "Montaż fotowoltaiki, bezpłatna wycena w {city}.")]),
    dict(label="toy_blasters_routed_to_weapons", policy="weapons", queue="restricted_goods", et="FP",
         root="tooling", size=28, weeks=(7, 7, 7, 7), model=0.5, score=(0.6, 0.9),
         locales={"en-US": 4, "ko-KR": 3, "th-TH": 2},
         desc="Kids' water pistols and foam-dart blasters are auto-routed to the weapons queue by the catalogue "
              "category mapper ('Guns & Blasters') and rejected there.",
         ads={"en": (["Super soaker summer pack", "Foam dart blaster, 20 darts included"],
                     ["Ages 6+.", "From {price}."]),
              "ko": (["물총 여름 세트", "폼 다트 블래스터, 다트 20개"], ["6세 이상."]),
              "th": (["ปืนฉีดน้ำเด็ก ชุดฤดูร้อน", "ปืนกระสุนโฟม พร้อมกระสุน 20 นัด"], ["สำหรับเด็ก 6 ขวบขึ้นไป"])},
         trig=["Guns & Blasters category", "water gun", "blaster", "catalogue category"],
         wrong=["a firearm listing", "weapons"],
         right=["a kids' toy", "a water pistol", "a foam-dart toy"],
         why=["the category feed mapped it to weapons", "toy, ages 6+, brightly coloured plastic"],
         fix=["fix the catalogue category mapping", "remove 'Blasters' from the weapons map"],
         issue=["toy routed to weapons", "category mapper misroute"],
         code=["WPN-RT", "route/fp"],
         local={"ko": ["장난감 물총. 카테고리 매핑 오류로 무기 큐로 감. 승인."],
                "th": ["ของเล่นเด็ก ไม่ใช่อาวุธ ระบบจัดหมวดผิด"]},
         look=[("en", "reject", "Airsoft rifle, metal body, 400 FPS."), ("ko", "approve", "유아용 블록 장난감 세트")]),
    dict(label="ticket_resale_markup_unseen", policy="ticketing", queue="commerce", et="FN",
         root="missing_context", size=14, weeks=(0, 0, 5, 9), model=0.0, score=None,
         locales={"it-IT": 4, "en-IN": 3, "ko-KR": 2},
         desc="Resale ads for a sold-out stadium tour are approved; the above-face-value prices are only on the "
              "landing page, which the review tool does not show. New in the last two weeks.",
         ads={"en": (["Sold-out stadium tour: seats still available", "Last tickets for the world tour"],
                     ["Instant e-ticket."]),
              "it": (["Biglietti per il tour negli stadi, ultimi posti"], ["Consegna immediata."]),
              "ko": (["월드투어 잔여석 판매", "매진 공연 티켓 구합니다? 여기서"], ["모바일 티켓 즉시 발송."])},
         trig=["seats still available", "resale", "face value", "ko::잔여석", "sold out"],
         wrong=["an official ticket seller", "a ticket listing"],
         right=["resale above face value", "ticket scalping", "a markup reseller"],
         why=["prices are 3-5x face value once you click through",
              "the landing page was not visible in the review tool",
              "the markup only shows at checkout"],
         fix=["show destination prices in the review tool", "require a click-through for ticket ads"],
         issue=["markup hidden behind the click", "resale above face value missed", "scalped tickets approved"],
         code=["TKT-FN", "ctx/miss"],
         local={"it": ["Rivendita sopra il prezzo nominale, visibile solo sulla pagina. Respinto."],
                "ko": ["정가보다 비싼 리셀. 랜딩페이지에만 가격 표시."]},
         look=[("en", "approve", "Official tickets on sale Friday, {city} stadium."),
               ("it", "approve", "Biglietti ufficiali, prevendita dal 10.")]),
    dict(label="festival_food_promos_tagged_religious", policy="sensitive_targeting", queue="general", et="FP",
         root="tooling", size=55, weeks=(20, 22, 9, 4), model=0.9, score=(0.7, 0.96),
         locales={"en-IN": 4, "id-ID": 3, "tr-TR": 2, "ar-SA": 2, "pl-PL": 1},
         desc="Festive food and gift promos (Diwali sweets, halal-certified snacks, Christmas-market stalls) are "
              "auto-tagged as religious targeting and rejected; peaks around Diwali and fades.",
         ads={"en": (["Diwali sweet boxes, order before Friday", "Halal-certified party platters",
                      "Festival of lights gift hampers"], ["Delivery across {city}.", "From {price}."]),
              "id": (["Kue kering halal untuk arisan", "Paket hampers bersertifikat halal"], ["Kirim ke {city}."]),
              "tr": (["Helal sertifikalı kahvaltı tabağı", "Bayram tatlısı siparişi"], ["{city} içi teslimat."]),
              "ar": (["وجبات حلال للعائلة", "علب حلويات للمناسبات"], ["توصيل في {city}."]),
              "pl": (["Pierniki na jarmark bożonarodzeniowy"], ["Wysyłka z {city}."])},
         trig=["en::Diwali", "halal", "tr::helal", "ar::حلال", "festival", "pl::jarmark", "id::hampers"],
         wrong=["religious targeting", "a religion-sensitive ad", "faith-based targeting"],
         right=["a food promo", "festive sweets", "a gift hamper offer", "certified food labelling"],
         why=["a certification label is not targeting by religion", "no audience targeting on belief at all",
              "the tagger keys on festival words"],
         fix=["drop food certification terms from the religion tagger", "fix the sensitive-category tagger"],
         issue=["food promo tagged religious", "tagger on 'halal'/festival words"],
         code=["SENS-RT", "tag/fp"],
         local={"id": ["Label halal bukan penargetan agama. Setujui."], "tr": ["Helal etiketi dini hedefleme değil."],
                "ar": ["شهادة حلال ليست استهدافاً دينياً. موافقة."],
                "pl": ["Reklama pierników, nie targetowanie religijne."]},
         look=[("en", "reject", "Ads for people of one faith only: exclusive offer for believers."),
               ("id", "approve", "Paket kue kering lebaran, halal, kirim se-{city}.")]),
]

NOISE = [  # (policy, error type, locale, source, ad text, note): one-off errors, each about something different
    ("weapons", "FP", "en-US", "model", "Archery lessons for kids, bows provided.", "archery class = sport. approve"),
    ("scams", "FN", "en-IN", "human", "Work from home, earn ₹5000/day typing captchas.",
     "Registration fee required before any work is given; classic advance-fee pattern."),
    ("adult_content", "FP", "it-IT", "model", "Corso di disegno dal vero, martedì sera a Bari.",
     "corso d'arte per principianti, nessun nudo nella creatività"),
    ("alcohol", "FN", "tr-TR", "human", "Rakı festivali: sınırsız içki, 18 yaş altı da gelebilir!",
     "Alcohol event openly inviting minors. Reject."),
    ("drugs", "FN", "th-TH", "model", "ใบกระท่อมแห้ง ส่งด่วน ทั่วประเทศ", "kratom leaves sold for delivery, missed"),
    ("financial_claims", "FP", "en-US", "model", "Free budgeting workshop at the public library, Thursday 6pm.",
     "Library workshop, no financial product at all. Overturned."),
    ("social_issues", "FP", "pl-PL", "human", "Kiermasz ciast szkolnych w sobotę, dochód na wycieczkę.",
     "bake sale for a school trip, not an issue ad"),
    ("violence", "FN", "pt-BR", "model", "Vídeo: briga de torcida sem cortes, assista agora",
     "Graphic fan-fight video promoted for clicks. Should be rejected."),
    ("counterfeit", "FN", "vi-VN", "human", "Giày hàng hiệu loại 1, giống 99%, giá rẻ",
     "'giống 99%' = copy of branded shoes. rej"),
    ("tobacco_nicotine", "FP", "ko-KR", "model", "금연 상담 무료, 보건소 방문 예약",
     "smoking-cessation service, allowed"),
    ("lottery_sweepstakes", "FP", "en-IN", "human", "Quiz night at the café, winners get a free dessert.",
     "Skill quiz, no purchase required, prize is a dessert. Not a lottery."),
    ("hate_speech", "FN", "en-US", "model", "Tired of THOSE people moving in? Join our neighbourhood group.",
     "Coded exclusionary message about a protected group, model missed the dog whistle."),
    ("ticketing", "FP", "it-IT", "human", "Biglietti per il museo civico, ingresso ridotto per studenti.",
     "biglietti ufficiali del museo, nessuna rivendita"),
    ("unapproved_pharma", "FP", "id-ID", "model", "Jamu tradisional untuk kebugaran, terdaftar BPOM.",
     "Registered herbal drink with BPOM number. Approve."),
    ("scams", "FP", "pt-BR", "model", "Consórcio de imóveis com parcelas fixas, regulado pelo Banco Central.",
     "Consórcio regulado, não é golpe."),
    ("dangerous_products", "FN", "en-US", "human", "DIY fireworks kit: make your own mortars at home.",
     "Instructions to build explosives at home. Reject under dangerous products."),
    ("weapons", "FN", "tr-TR", "model", "Kurusıkı tabanca, ruhsatsız, kapıda ödeme",
     "blank-firing pistol convertible, sold without licence"),
    ("adult_content", "FN", "en-US", "model", "See what she posted after midnight 🔥 link in bio",
     "clickbait to explicit content, LP is adult"),
    ("alcohol", "FP", "en-IN", "model", "Ginger beer (non-alcoholic soft drink), 6-pack ₹299.",
     "soft drink, the word beer tripped it"),
    ("drugs", "FP", "pl-PL", "human", "Mak do ciasta, 500 g, na święta", "poppy seeds for baking!!"),
    ("financial_claims", "FN", "vi-VN", "human", "Vay nhanh 50 triệu, lãi 0%, duyệt trong 5 phút",
     "0% loan claim hides fees on LP; no licence. reject"),
    ("sensitive_targeting", "FN", "en-US", "model", "Struggling with your diagnosis? Ads for people with HIV only.",
     "Targets by health condition, explicitly. Reject."),
    ("counterfeit", "FP", "ko-KR", "human", "정품 인증서 포함 중고 명품 가방", "authenticated pre-owned bag, allowed"),
    ("violence", "FP", "en-US", "model", "Self-defence class for women, Saturday mornings.",
     "Self-defence training is allowed; no violence glorified."),
    ("lottery_sweepstakes", "FN", "th-TH", "model", "หวยออนไลน์ จ่ายจริง บาทละ 900", "online lottery betting, missed"),
    ("social_issues", "FN", "en-US", "model", "Paid for by nobody: the election was stolen, share before it's deleted.",
     "Election misinformation, no authorisation."),
    ("scams", "FN", "ar-SA", "human", "اربح ١٠٠٠ ريال يومياً من التداول الآلي", "auto-trading bot with daily profit "
     "promise, scam pattern"),
    ("tobacco_nicotine", "FN", "en-IN", "model", "Flavoured hookah tobacco, 20 flavours, delivered.",
     "Tobacco sale. Missed by the model."),
    ("unapproved_pharma", "FN", "en-US", "human", "Peptide injections for muscle, research use only 😉",
     "'research use only' wink = selling unapproved peptides to consumers"),
    ("weapons", "FP", "ko-KR", "human", "주방용 식칼 세트, 독일산", "kitchen knives are not weapons per GL"),
    ("ticketing", "FN", "en-US", "model", "Resale: playoff tickets, bots got them first, we got them cheaper",
     "speculative tickets the seller doesn't hold yet"),
    ("dangerous_products", "FP", "it-IT", "model", "Estintori a polvere per la casa, revisione inclusa.",
     "estintori = sicurezza, non prodotti pericolosi"),
    ("hate_speech", "FP", "pl-PL", "model", "Wykład o historii II wojny światowej w muzeum.",
     "historical lecture, symbols shown in educational context"),
    ("alcohol", "FN", "ko-KR", "model", "소주 1+1 행사, 미성년자도 환영", "alcohol promo that welcomes minors"),
    ("financial_claims", "FP", "ar-SA", "human", "حساب توفير متوافق مع الشريعة من بنك مرخص",
     "licensed bank savings account, fine"),
    ("drugs", "FN", "en-US", "model", "Delta-8 gummies, ships to all 50 states, no ID.",
     "THC product without age check; delivers everywhere"),
    ("adult_content", "FP", "pt-BR", "model", "Biquínis novos da coleção verão, frete grátis.",
     "Swimwear catalogue, standard poses. Approve."),
    ("scams", "FP", "en-US", "human", "Refurbished phones with 12-month warranty.",
     "legit refurb seller with warranty, moderator suspected scam on price alone"),
    ("counterfeit", "FN", "id-ID", "model", "Jam tangan KW super, mirip ori", "'KW super' = fake watch"),
    ("violence", "FN", "th-TH", "human", "คลิปต่อยกันจริง ไม่เซ็นเซอร์", "uncensored real fight clips, reject"),
    ("lottery_sweepstakes", "FP", "pl-PL", "model", "Loteria fantowa na festynie parafialnym, wstęp wolny.",
     "Charity raffle with free entry and a permit. Allowed."),
    ("social_issues", "FP", "en-IN", "model", "Blood donation camp this Sunday, all welcome.",
     "health event, nothing political"),
    ("sensitive_targeting", "FP", "tr-TR", "model", "Engelli bireyler için rampa ve asansör çözümleri",
     "Accessibility product, not targeting by disability."),
    ("unapproved_pharma", "FP", "vi-VN", "human", "Khẩu trang y tế 4 lớp, hộp 50 cái", "medical masks, not a drug"),
    ("weapons", "FN", "en-IN", "human", "Butterfly knives, gravity knives, spring blades. COD.",
     "Banned blade types listed in the ad."),
    ("alcohol", "FP", "pl-PL", "human", "Ocet winny, 500 ml, do sałatek", "wine vinegar is not alcohol"),
    ("financial_claims", "FN", "tr-TR", "model", "Forex'te ayda %30 kazanç garantisi",
     "guaranteed 30% monthly forex return, reject"),
    ("drugs", "FP", "en-US", "model", "Coffee beans 'high' altitude roast, 1kg.",
     "'high' altitude coffee. lol. approve"),
    ("counterfeit", "FP", "it-IT", "human", "Borse artigianali in pelle, marchio proprio.",
     "Own-brand handmade bags, no trademark used."),
    ("tobacco_nicotine", "FP", "pt-BR", "model", "Chiclete de nicotina para parar de fumar, na farmácia.",
     "Cessation product sold in pharmacies is allowed."),
    ("hate_speech", "FN", "en-IN", "human", "Rent only to our own community. No outsiders.",
     "Discriminatory rental ad; human missed it."),
    ("dangerous_products", "FN", "pt-BR", "model", "Cerol pronto para pipa, corta tudo",
     "cutting kite line (cerol) is banned, dangerous"),
    ("scams", "FN", "ko-KR", "model", "고수익 보장 코인 리딩방, 지금 입장",
     "guaranteed-profit crypto signal room, scam"),
    ("ticketing", "FN", "en-IN", "human", "IPL final passes, VIP box, cash only, meet at gate 4",
     "unverifiable passes, cash meet-up, likely fake tickets"),
    ("violence", "FP", "it-IT", "model", "Torneo di scherma regionale, iscrizioni aperte.",
     "fencing tournament, sport"),
    ("adult_content", "FN", "ar-SA", "model", "تطبيق دردشة مع فتيات ١٨+ بدون رقابة", "18+ chat app with adult LP"),
    ("lottery_sweepstakes", "FN", "en-US", "human", "Mystery box: pay $20, one in ten wins an iPhone.",
     "Paid chance-based prize = lottery. Missed."),
    ("weapons", "FP", "th-TH", "model", "มีดพับสำหรับตั้งแคมป์ ใบมีดสั้น", "short camping folding knife, allowed"),
    ("social_issues", "FN", "pt-BR", "human", "Vote no candidato 45, panfleto oficial", "electoral ad, no "
     "authorisation"),
    ("unapproved_pharma", "FN", "th-TH", "model", "ยาลดน้ำหนักจากต่างประเทศ ไม่มี อย.", "unregistered import pill, "
     "no Thai FDA number"),
    ("financial_claims", "FP", "en-IN", "human", "Fixed deposit at 7.1% p.a., scheduled bank, DICGC insured.",
     "FD rate from a scheduled bank with disclosures, fine."),
    ("alcohol", "FN", "en-US", "model", "Jello shots party pack, free delivery to campus!",
     "alcohol delivered to a college campus, target audience likely underage"),
    ("sensitive_targeting", "FP", "ko-KR", "human", "임산부를 위한 요가 클래스", "prenatal yoga class, ok"),
    ("counterfeit", "FN", "tr-TR", "human", "Orijinal logolu replika forma, 1. kalite",
     "replica jersey with original logos"),
    ("drugs", "FN", "vi-VN", "human", "Bóng cười giao tận nơi, tiệc tùng thâu đêm", "nitrous oxide balloons for "
     "recreational use"),
    ("dangerous_products", "FP", "en-US", "human", "Chainsaw safety course, certificate included.",
     "Safety course; moderator flagged the chainsaw picture."),
    ("hate_speech", "FP", "en-US", "model", "Documentary on the civil rights movement, streaming now.",
     "historical documentary quoting slurs in context. Approved."),
    ("scams", "FP", "it-IT", "human", "Vendita auto usate con garanzia, concessionaria autorizzata.",
     "dealer autorizzato, nessun segnale di truffa"),
    ("tobacco_nicotine", "FN", "ar-SA", "human", "معسل بنكهات جديدة، توصيل سريع", "flavoured shisha tobacco sold"),
    ("violence", "FN", "en-IN", "model", "Watch: road rage man beaten, full video", "graphic assault video, reject"),
    ("weapons", "FN", "pl-PL", "model", "Gaz pieprzowy 'policyjny', wysyłka bez weryfikacji wieku",
     "pepper spray shipped without an age check"),
    ("ticketing", "FP", "ko-KR", "model", "공식 예매처: 뮤지컬 티켓 오픈", "official box office, not resale"),
    ("unapproved_pharma", "FP", "en-US", "model", "Sunscreen SPF 50, dermatologist tested.", "sunscreen != drug"),
    ("lottery_sweepstakes", "FP", "id-ID", "human", "Lomba foto kuliner, hadiah voucher, gratis ikut.",
     "Photo contest, skill based, no fee. Approve."),
    ("adult_content", "FP", "en-IN", "model", "Breastfeeding pillow, ergonomic design.", "nursing product, no nudity"),
    ("financial_claims", "FN", "id-ID", "human", "Pinjol cair 10 juta tanpa BI checking", "unlicensed loan app"),
    ("alcohol", "FP", "vi-VN", "model", "Rượu vang nấu ăn? Không, đây là nước nho ép 100%.", "grape juice, not wine"),
    ("social_issues", "FP", "ar-SA", "model", "حملة تشجير في الحي، انضم إلينا", "tree-planting drive, civic not "
     "political"),
    ("dangerous_products", "FN", "vi-VN", "model", "Pháo hoa tự chế, hướng dẫn chi tiết", "homemade fireworks guide"),
    ("sensitive_targeting", "FN", "en-IN", "human", "Matrimony ads shown only to one caste.",
     "Audience restricted by caste."),
    ("counterfeit", "FP", "en-US", "model", "Compatible ink cartridges for major printer brands.",
     "compatible ≠ counterfeit, brand names used descriptively"),
    ("hate_speech", "FN", "tr-TR", "model", "Bu mahalleye yabancı istemiyoruz, imza verin",
     "Xenophobic petition. Reject."),
]

LANDING = {  # what the landing page shows, per theme (a QA summary; often empty)
    "immunisation_shot_read_as_firearm": ["Pharmacy booking page with vaccine list and prices.",
                                          "Clinic page: opening hours, insurance accepted, nurse on site."],
    "hair_restoration_read_as_adult": ["Clinic gallery of patient photos at 6 and 12 months.",
                                       "Package page: surgery, hotel, transfers, aftercare kit."],
    "ngo_issue_ads_without_authorisation": ["Petition form and a donate button; registered charity number.",
                                            "Campaign page naming the bill and the vote date."],
    "online_pharmacy_without_prescription": ["Catalogue with chat-app ordering; no licence number.",
                                             "Product pages list Rx-only medicines, pay on delivery."],
    "veterinary_meds_read_as_drugs": ["Vet pharmacy shop, licence number in the footer.",
                                      "Product page with dosage by pet weight."],
    "nicotine_pouches_in_banning_markets": ["Shop with pouch flavours and strengths, ships nationwide."],
    "guaranteed_rental_yield_property": ["Brochure download; yield table, no risk statement.",
                                         "Developer page with payment plan and buy-back clause."],
    "purchase_linked_prize_draws": ["Promo rules: buy to receive a code, draw monthly; no permit shown."],
    "accent_coaching_read_as_violent": ["Course page with coach videos and a free trial lesson."],
    "winery_tours_alcohol_split": ["Booking page for tours, age notice 18+.", "Farm stay page with vineyard map."],
    "solar_subsidy_lead_scam": ["Eligibility form asking for ID number and bank account.",
                                "Page uses a ministry-style logo; no company details."],
    "toy_blasters_routed_to_weapons": ["Toy shop listing, category 'Guns & Blasters', ages 6+."],
    "ticket_resale_markup_unseen": ["Seat map with prices 3-5x face value.", "Resale listing page, prices in LP only."],
    "festival_food_promos_tagged_religious": ["Bakery shop page with gift boxes and delivery slots.",
                                              "Menu page with certification logo."],
}
POLICY_QUEUE = {"weapons": "restricted_goods", "adult_content": "health_beauty", "social_issues": "social_issues",
                "unapproved_pharma": "health_beauty", "drugs": "restricted_goods", "alcohol": "restricted_goods",
                "tobacco_nicotine": "restricted_goods", "financial_claims": "finance_property",
                "lottery_sweepstakes": "commerce", "violence": "general", "scams": "finance_property",
                "ticketing": "commerce", "sensitive_targeting": "general", "counterfeit": "commerce",
                "dangerous_products": "restricted_goods", "hate_speech": "general"}
GENERIC = [  # (policy, final decision, English ad): ordinary ads, rightly decided
    ("weapons", "approve", "Hunting apparel sale, blaze orange vests {price}."),
    ("weapons", "reject", "Unregistered pistols, no background check, ships in plain box."),
    ("adult_content", "approve", "Lingerie for every body, free returns."), ("adult_content", "reject",
     "Uncensored webcam shows, sign up free."), ("social_issues", "approve", "Volunteer at the {city} food bank."),
    ("social_issues", "reject", "Vote for our candidate: unpaid disclaimer missing."),
    ("unapproved_pharma", "approve", "Allergy relief tablets, pharmacy brand, 30 count."),
    ("unapproved_pharma", "reject", "Miracle cure for diabetes, stop your insulin today."),
    ("drugs", "approve", "Rehab and recovery support, confidential helpline."), ("drugs", "reject",
     "Magic mushroom grow kits, discreet delivery."), ("alcohol", "approve", "Craft brewery tour, 21+, {city}."),
    ("alcohol", "reject", "Vodka shots 2-for-1, no ID needed."), ("tobacco_nicotine", "reject", "Cheap cigarettes "
     "by the carton, duty free."), ("tobacco_nicotine", "approve", "Quit-smoking app, free 30-day plan."),
    ("financial_claims", "approve", "Compare savings accounts, rates updated daily."),
    ("financial_claims", "reject", "Double your money in 7 days, guaranteed."),
    ("lottery_sweepstakes", "approve", "Official state lottery results app."),
    ("lottery_sweepstakes", "reject", "Buy tickets to win a house, no licence shown."),
    ("violence", "approve", "Boxing gym, beginner classes {price}/month."), ("violence", "reject",
     "Watch real executions, uncut."), ("scams", "approve", "Used car dealer, inspection report on every car."),
    ("scams", "reject", "Your parcel is held: pay {price} customs fee here."),
    ("ticketing", "approve", "Season passes for {city} FC, official club store."),
    ("ticketing", "reject", "Fake-proof tickets? Sure. Front row, cash only."),
    ("sensitive_targeting", "approve", "Senior discount on bus passes."),
    ("counterfeit", "reject", "Designer sneakers 1:1, logo included."), ("counterfeit", "approve",
     "Second-hand designer shoes, authenticated."), ("dangerous_products", "approve", "Smoke detectors, 2-pack."),
    ("dangerous_products", "reject", "Lead-based paint clearance, great for toys."),
    ("hate_speech", "approve", "Interfaith dialogue evening, all welcome.")]
POLICY_WEIGHTS = {"weapons": 8, "adult_content": 6, "social_issues": 6, "unapproved_pharma": 9, "drugs": 5,
                  "alcohol": 7, "tobacco_nicotine": 5, "financial_claims": 9, "lottery_sweepstakes": 5,
                  "violence": 4, "scams": 8, "ticketing": 4, "sensitive_targeting": 4, "counterfeit": 6,
                  "dangerous_products": 4, "hate_speech": 3}
AGREE = ["ok", "QA ok.", "Confirmed, decision upheld.", "Decision: upheld | no change", "✓ correct", "fine as is"]
TAILS = ["", "", "", "", " cc lead", " (2nd this week)", " - see thread", " #followup", " pls check similar",
         " [advertiser appealed]"]

PLANTED_THEMES: dict[str, dict] = {
    t["label"]: {"policy": t["policy"], "queue": t["queue"], "root_cause": t["root"], "error_types": [t["et"]],
                 "description": t["desc"]}
    for t in _THEMES
}


class _Ids:
    """Unique random ad ids and advertiser ids."""

    def __init__(self, rng: random.Random) -> None:
        self.ads = iter(rng.sample(range(100000, 1000000), 4000))
        self.advertisers = rng.sample(range(2000, 10000), 900)
        self.next_adv = 0

    def ad(self) -> str:
        return f"AD{next(self.ads)}"

    def new_advertisers(self, n: int) -> list[str]:
        out = [f"ADV{a}" for a in self.advertisers[self.next_adv:self.next_adv + n]]
        self.next_adv += n
        return out


def _pick_weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _fill(text: str, rng: random.Random, locale: str) -> str:
    price = PRICE[locale].format(rng.choice([9, 19, 29, 39, 49, 59, 79, 99, 129, 199]))
    return (text.replace("{brand}", rng.choice(BRAND_A) + rng.choice(BRAND_B))
            .replace("{city}", rng.choice(CITY[locale])).replace("{price}", price))


def _theme_ad(rng: random.Random, spec: dict, locale: str) -> str:
    lang = LANG[locale]
    if lang not in spec["ads"] or (lang != "en" and "en" in spec["ads"] and rng.random() < 0.15):
        lang = "en"
    heads, bodies = spec["ads"][lang]
    parts = [rng.choice(heads)] + rng.sample(bodies, rng.choice([1, 1, min(2, len(bodies))]))
    sep = rng.choice([" ", " - ", ". ", " | "]) if not parts[0].endswith((".", "!", "?")) else " "
    return _fill(parts[0] + sep + " ".join(parts[1:]), rng, locale)


def _landing(rng: random.Random, spec: dict | None) -> str:
    if spec is None or rng.random() < 0.35:
        return ""
    return rng.choice(LANDING[spec["label"]])


def _note(rng: random.Random, spec: dict, locale: str, source: str) -> str:
    """One audit record rendered by a reviewer persona."""
    local = spec["local"].get(LANG[locale])
    if local and rng.random() < 0.4:
        note = rng.choice(local)
        if rng.random() < 0.4:
            note = f"{rng.choice(spec['code'])} {note}"
        return note + rng.choice(TAILS)
    persona = _pick_weighted(rng, PERSONA_WEIGHTS)
    template = rng.choice(PERSONAS[persona][spec["et"]])
    why = rng.choice(spec["why"])
    lang = LANG[locale]
    triggers = [t.split("::")[-1] for t in spec["trig"] if "::" not in t or t.startswith(lang + "::")]
    slots = {"trig": rng.choice(triggers), "wrong": rng.choice(spec["wrong"]), "right": rng.choice(spec["right"]),
             "why": why, "Why": why[0].upper() + why[1:], "fix": rng.choice(spec["fix"]),
             "issue": rng.choice(spec["issue"]), "code": rng.choice(spec["code"]),
             "who": rng.choice(WHO[source]), "pol": spec["policy"].replace("_", " ")}
    note = template.format(**slots)
    if persona in ("ticket", "chat") and rng.random() < 0.5:
        note = note.lower()
    if persona == "formal" and rng.random() < 0.3:
        note = f"{note} {_fill('Ad seen in {city}.', rng, locale)}" if LANG[locale] == "en" else note
    return note + rng.choice(TAILS)


def _times(rng: random.Random, week: int) -> tuple[dt.datetime, dt.datetime]:
    decided = WEEK_START + dt.timedelta(days=7 * week, minutes=rng.randrange(7 * 24 * 60))
    return decided, decided + dt.timedelta(minutes=rng.randint(24 * 60, 96 * 60))


def _ts(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _row(rng: random.Random, *, ad_id: str, advertiser: str, ad: str, lp: str, note: str, original: str,
         final: str, policy: str, source: str, locale: str, queue: str, week: int, theme: str,
         score_range: tuple[float, float] | None = None, moderators: list[str] | None = None) -> dict:
    decided, audited = _times(rng, week)
    error_type = {("reject", "approve"): "FP", ("approve", "reject"): "FN"}.get((original, final), "")
    if source == "model":
        lo, hi = score_range or ((0.55, 0.99) if original == "reject" else (0.01, 0.45))
        score, moderator = f"{rng.uniform(lo, hi):.{rng.choice([2, 3])}f}", ""
    else:
        score = ""
        moderator = rng.choice(moderators) if moderators and rng.random() < 0.75 else rng.choice(REVIEWERS)
    return {"case_id": "", "ad_id": ad_id, "advertiser_id": advertiser, "ad_text": ad, "landing_page_text": lp,
            "reviewer_note": note, "original_decision": original, "final_decision": final, "error_type": error_type,
            "policy": policy, "decision_source": source, "locale": locale, "queue": queue, "moderator_id": moderator,
            "model_score": score, "decided_at": _ts(decided), "audited_at": _ts(audited), "theme": theme,
            "_t": decided, "_k": rng.random()}


def _decisions(et: str) -> tuple[str, str]:
    return ("reject", "approve") if et == "FP" else ("approve", "reject")


def _theme_rows(rng: random.Random, ids: _Ids, spec: dict) -> list[dict]:
    assert sum(spec["weeks"]) == spec["size"], spec["label"]
    advertisers = ids.new_advertisers(max(4, spec["size"] // 4))
    original, final = _decisions(spec["et"])
    rows = []
    for week, count in enumerate(spec["weeks"]):
        for _ in range(count):
            locale = _pick_weighted(rng, spec["locales"])
            source = "model" if rng.random() < spec["model"] else "human"
            rows.append(_row(rng, ad_id=ids.ad(), advertiser=rng.choice(advertisers), ad=_theme_ad(rng, spec, locale),
                             lp=_landing(rng, spec), note=_note(rng, spec, locale, source), original=original,
                             final=final, policy=spec["policy"], source=source, locale=locale, queue=spec["queue"],
                             week=week, theme=spec["label"], score_range=spec["score"], moderators=spec.get("mods")))
    return rows


def _noise_rows(rng: random.Random, ids: _Ids) -> list[dict]:
    rows = []
    for i, (policy, et, locale, source, ad, note) in enumerate(NOISE):
        original, final = _decisions(et)
        rows.append(_row(rng, ad_id=ids.ad(), advertiser=ids.new_advertisers(1)[0], ad=ad, lp="", note=note,
                         original=original, final=final, policy=policy, source=source, locale=locale,
                         queue=POLICY_QUEUE[policy], week=i % 4, theme="noise"))
    return rows


def _correct_rows(rng: random.Random, ids: _Ids, n: int) -> list[dict]:
    """Correct decisions: theme-like ads rightly decided, look-alikes of the themes, and ordinary ads."""
    rows = []
    advertisers = ids.new_advertisers(300)
    for _ in range(n):
        kind = rng.random()
        spec = rng.choice(_THEMES)
        if kind < 0.3:
            locale = _pick_weighted(rng, spec["locales"])
            final = _decisions(spec["et"])[1]
            ad, lp, policy, queue = _theme_ad(rng, spec, locale), _landing(rng, spec), spec["policy"], spec["queue"]
        elif kind < 0.5:
            lang, final, text = rng.choice(spec["look"])
            locale = rng.choice([loc for loc in spec["locales"] if LANG[loc] == lang] or
                                [loc for loc, la in LANG.items() if la == lang])
            ad, lp, policy, queue = _fill(text, rng, locale), "", spec["policy"], spec["queue"]
        else:
            policy, final, text = rng.choice([g for g in GENERIC if g[0] == _pick_weighted(rng, POLICY_WEIGHTS)]
                                             or GENERIC)
            locale = _pick_weighted(rng, LOCALE_WEIGHTS)
            ad, lp, queue = _fill(text, rng, locale), "", POLICY_QUEUE[policy]
        source = "model" if rng.random() < 0.55 else "human"
        note = rng.choice(AGREE) if rng.random() < 0.05 else ""
        rows.append(_row(rng, ad_id=ids.ad(), advertiser=rng.choice(advertisers), ad=ad, lp=lp, note=note,
                         original=final, final=final, policy=policy, source=source, locale=locale, queue=queue,
                         week=rng.randrange(4), theme=""))
    return rows


def _second_judgement(rng: random.Random, row: dict) -> dict:
    """The same ad judged again by another moderator, correctly, within 30 minutes to 3 days (inside W47)."""
    twin = dict(row)
    end = WEEK_START + dt.timedelta(days=28)
    shift = dt.timedelta(minutes=rng.randint(30, 3 * 24 * 60))
    decided = row["_t"] + shift if row["_t"] + shift < end - dt.timedelta(minutes=1) else row["_t"] - shift
    twin.update(original_decision=row["final_decision"], error_type="", theme="", decision_source="human",
                model_score="", moderator_id=rng.choice([m for m in REVIEWERS if m != row["moderator_id"]]),
                reviewer_note=rng.choice(AGREE) if rng.random() < 0.05 else "", decided_at=_ts(decided),
                audited_at=_ts(decided + dt.timedelta(minutes=rng.randint(24 * 60, 96 * 60))), _t=decided,
                _k=rng.random())
    return twin


DISAGREEING_TWINS = {"winery_tours_alcohol_split": 14, "veterinary_meds_read_as_drugs": 2,
                     "ngo_issue_ads_without_authorisation": 2, "festival_food_promos_tagged_religious": 1}


def generate_marketplace_cases(seed: int = DEFAULT_SEED) -> list[dict]:
    """Generate the marketplace cases as row dicts (all values strings, '' when missing); same seed, same rows."""
    rng = random.Random(seed)
    ids = _Ids(rng)
    rows: list[dict] = []
    for spec in _THEMES:
        rows += _theme_rows(rng, ids, spec)
    rows += _noise_rows(rng, ids)
    misjudged = len(rows)
    twins = []
    for label, n in DISAGREEING_TWINS.items():
        humans = [r for r in rows if r["theme"] == label and r["decision_source"] == "human"]
        twins += [_second_judgement(rng, r) for r in rng.sample(humans, min(n, len(humans)))]
    n_correct = round(CORRECT_RATIO * misjudged) - len(twins) - AGREEING_TWINS
    correct = _correct_rows(rng, ids, n_correct)
    humans = [r for r in correct if r["decision_source"] == "human"]
    twins += [_second_judgement(rng, r) for r in rng.sample(humans, AGREEING_TWINS)]
    rows += correct + twins
    rows.sort(key=lambda r: (r["decided_at"], r["_k"]))
    return [{**{c: r[c] for c in COLUMNS}, "case_id": f"M{i:06d}"} for i, r in enumerate(rows, start=1)]


def summarize(rows: list[dict]) -> str:
    """Markdown tables of the counts in ``rows`` (used for the README)."""
    mis = [r for r in rows if r["error_type"]]
    et = Counter(r["error_type"] for r in mis)
    correct = Counter(r["final_decision"] for r in rows if not r["error_type"])
    by_ad: dict[str, list[dict]] = {}
    for r in rows:
        by_ad.setdefault(r["ad_id"], []).append(r)
    multi = [v for v in by_ad.values() if len(v) > 1]
    differing = [v for v in multi if len({r["original_decision"] for r in v}) > 1]
    noise = [r for r in mis if r["theme"] == "noise"]
    lines = ["| count | value |", "| --- | --- |", f"| rows (audited decisions) | {len(rows)} |",
             f"| correct decisions | {len(rows) - len(mis)} (TP {correct['reject']}, TN {correct['approve']}) |",
             f"| misjudged | {len(mis)} (FP {et['FP']}, FN {et['FN']}) |",
             f"| planted-theme rows | {len(mis) - len(noise)} |",
             f"| noise rows (one-off errors) | {len(noise)} ({len(noise) / len(mis):.1%} of misjudged) |",
             f"| locales | {len({r['locale'] for r in rows})} |",
             f"| ads judged twice | {len(multi)} (differing original decisions: {len(differing)}; inconsistency "
             f"rate {len(differing) / max(1, len(multi)):.1%}) |", "",
             "| week | rows | misjudged |", "| --- | --- | --- |"]
    for w in WEEK_LABELS:
        lines.append(f"| {w} | {sum(iso_week(r['decided_at']) == w for r in rows)} | "
                     f"{sum(iso_week(r['decided_at']) == w for r in mis)} |")
    lines += ["", "| theme | policy | rows | FP/FN | model/human | locales | rows per week W44..W47 | root cause |",
              "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for label, info in [*PLANTED_THEMES.items(), ("noise", None)]:
        t = [r for r in mis if r["theme"] == label]
        c = Counter(r["error_type"] for r in t)
        s = Counter(r["decision_source"] for r in t)
        loc = ", ".join(f"{k} {v}" for k, v in Counter(r["locale"] for r in t).most_common())
        wk = " ".join(str(sum(iso_week(r["decided_at"]) == w for r in t)) for w in WEEK_LABELS)
        policy = info["policy"] if info else f"{len({r['policy'] for r in t})} policies"
        lines.append(f"| `{label}` | {policy} | {len(t)} | {c['FP']}/{c['FN']} | {s['model']}/{s['human']} | "
                     f"{loc if info else str(len({r['locale'] for r in t})) + ' locales'} | {wk} | "
                     f"{info['root_cause'] if info else '(none)'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: write the generated cases to a CSV file (and optionally print the counts)."""
    parser = argparse.ArgumentParser(prog="python -m eval_sets.marketplace_data",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="CSV file to write (default: the shipped file)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--summary", action="store_true", help="print the counts as markdown tables")
    args = parser.parse_args(argv)
    rows = generate_marketplace_cases(seed=args.seed)
    path = write_csv(rows, args.out)
    print(f"wrote {len(rows)} rows to {path}", file=sys.stderr)
    if args.summary:
        print(summarize(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
