"""Stop words for theme keywords: scikit-learn's English list plus the commonest function words of the
other languages reviewer notes are written in (de, fr, es, pt), and moderation boilerplate."""

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

_OTHER = """
der die das den dem des und ist nicht ein eine einen für mit auf zu von es sich wird werden sollte kein keine
im ist sind war wurde hat aber oder auch nur als bei nach wie
le la les et est pas un une des du de pour que qui en dans sur ce il elle au aux ne sont été par avec
el los las y es no un una del para por con se lo al su como más pero fue está son
o os as e é não um uma do da dos das com em por mas foi está são
"""
_BOILERPLATE = "ad ads qa note case should decision overturned"

STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | frozenset(_OTHER.split()) | frozenset(_BOILERPLATE.split())
