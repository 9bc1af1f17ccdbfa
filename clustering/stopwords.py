"""Stop words for theme keywords: scikit-learn's English list plus the commonest function words of the
other languages reviewer notes are written in (de, fr, es, pt), moderation boilerplate, and the words that carry
the error type or the audit routine rather than a cause.

A theme's keywords should say why its decisions went wrong. The error type is in every note of a theme
(`FP`, `[FN]`, "overkill", "approved", "abgelehnt") and is shown beside the keywords anyway (FP/FN); the audit
routine ("started Monday", "this week", "last week's cases", "general queue") is the same in every theme. Both
win c-TF-IDF whenever one theme's notes use them a little more than the rest, and then read as its cause.
"""

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

_OTHER = """
der die das den dem des und ist nicht ein eine einen für mit auf zu von es sich wird werden sollte kein keine
im ist sind war wurde hat aber oder auch nur als bei nach wie
le la les et est pas un une des du de pour que qui en dans sur ce il elle au aux ne sont été par avec
el los las y es no un una del para por con se lo al su como más pero fue está son
o os as e é não um uma do da dos das com em por mas foi está são
"""
_BOILERPLATE = "ad ads qa note case cases should decision overturned overturn"
_ERROR_TYPE = """
fp fn fps fns tp tn ovk overkill overkilled miss missed misses
approve approved approving approval appr reject rejected rejecting rejection
abgelehnt genehmigt freigegeben überstimmt rejeté refusé approuvé rechazado aprobado rejeitado aprovado reprovado
"""
_ROUTINE = """
monday tuesday wednesday thursday friday saturday sunday today yesterday week weeks weekly
started spike again recurring seen queue queues general issue issues error errors
"""

STOP_WORDS = (frozenset(ENGLISH_STOP_WORDS) | frozenset(_OTHER.split()) | frozenset(_BOILERPLATE.split())
              | frozenset(_ERROR_TYPE.split()) | frozenset(_ROUTINE.split()))
