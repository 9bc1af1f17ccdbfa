"""A theme's keywords: class-based TF-IDF (BERTopic's c-TF-IDF) over the notes' 1-2 grams, its languages balanced.

Pure functions: `term_counts` counts the terms of the documents once (scikit-learn's tokenising, n-grams and stop
words); `class_tfidf` weighs them per label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

from clustering.cluster import UNTHEMED
from clustering.stopwords import STOP_WORDS
from clustering.theme_model import Keyword


def keyword_text(cases: pd.DataFrame) -> list[str]:
    """The text keywords are drawn from: the reviewer note, or the ad text when there is no note."""
    return cases["reviewer_note"].fillna(cases["ad_text"]).fillna("").astype(str).tolist()


@dataclass(frozen=True)
class TermCounts:
    """Counts of 1-2 gram terms per document (rows) and the terms (columns)."""

    counts: sparse.csr_matrix
    terms: np.ndarray


POSSESSIVE = re.compile(r"['’]s\b")


def _lower_without_possessive(text: str) -> str:
    """Lower case, "'s" dropped: "last week's cases" counts "week" (a stop word), "the shop's" counts "shop"."""
    return POSSESSIVE.sub("", text.lower())


def term_counts(docs: list[str]) -> TermCounts | None:
    """1-2 gram counts without stop words (scikit-learn's CountVectorizer); None when no term is left."""
    for min_df in (2, 1):
        try:
            vectorizer = CountVectorizer(ngram_range=(1, 2), stop_words=list(STOP_WORDS), min_df=min_df,
                                         preprocessor=_lower_without_possessive,
                                         token_pattern=r"(?u)\b[^\W\d_][\w'-]*[^\W_]\b")
            counts = vectorizer.fit_transform(docs)
            return TermCounts(counts.tocsr(), vectorizer.get_feature_names_out())
        except ValueError:  # empty vocabulary
            continue
    return None


def class_tfidf(docs: list[str] | TermCounts | None, labels: np.ndarray, top_n: int,
                languages: np.ndarray | None = None) -> dict[int, list[Keyword]]:
    """Keywords per label by class-based TF-IDF (BERTopic's c-TF-IDF) over 1-2 grams without stop words.

    scikit-learn gives the tokenising, n-grams and stop words (`term_counts`; pass its result to count once for
    several labellings of the same documents); the class-based weighting is computed here: tf of a term in a
    class (L1-normalised) times log(1 + average class size / term count). Unthemed cases form a class of their
    own, so that words common everywhere score low.

    `languages` (one per document, missing as ""): a class's tf is the mean of its languages' own tfs, each
    weighted by the square root of its documents, so that the words of a cause shared by five languages are not
    the words of the language that has most of its cases (terms every language's cases use rank first).
    A keyword is a term at least `KEYWORD_MIN_CASES` of the class's documents use (in a class that has as many).
    """
    found = term_counts(docs) if isinstance(docs, list) else docs
    if found is None:
        return {}
    classes = np.unique(labels)
    index = {c: i for i, c in enumerate(classes)}
    rows = np.array([index[c] for c in labels])
    groups = rows if languages is None else pd.factorize(
        pd.Series(rows).astype(str) + "|" + pd.Series(np.asarray(languages, dtype=object)).fillna("").astype(str)
    )[0]
    n_groups = int(groups.max()) + 1 if len(groups) else 0
    member = sparse.csr_matrix((np.ones(len(labels)), (groups, np.arange(len(labels)))), shape=(n_groups, len(labels)))
    per_group = (member @ found.counts).tocsr().astype(np.float64)
    group_class = np.zeros(n_groups, dtype=np.int64)
    group_class[groups] = rows
    weight = np.sqrt(np.bincount(groups, minlength=n_groups).astype(np.float64))
    weight /= np.bincount(group_class, weights=weight, minlength=len(classes))[group_class]
    totals = np.asarray(per_group.sum(axis=1)).ravel()
    scale = sparse.diags(weight / np.maximum(totals, 1))
    to_class = sparse.csr_matrix((np.ones(n_groups), (group_class, np.arange(n_groups))),
                                 shape=(len(classes), n_groups))
    tf = np.asarray((to_class @ scale @ per_group).todense(), dtype=np.float64)
    per_class = np.asarray((to_class @ per_group).todense(), dtype=np.float64)
    average = per_class.sum() / len(classes)
    idf = np.log(1 + average / np.maximum(per_class.sum(axis=0), 1))
    scores = tf * idf
    present = found.counts.copy().tocsr()
    present.data[:] = 1
    by_class = sparse.csr_matrix((np.ones(len(labels)), (rows, np.arange(len(labels)))),
                                 shape=(len(classes), len(labels)))
    cases_using = (by_class @ present).tocsr()  # per class and term: how many of the class's cases use the term
    sizes = np.bincount(rows, minlength=len(classes))
    out = {}
    for c in classes:
        if c == UNTHEMED:
            continue
        row = scores[index[c]]
        if sizes[index[c]] >= KEYWORD_MIN_CASES:  # one case's words do not describe a theme
            row = row * (cases_using[index[c]].toarray().ravel() >= KEYWORD_MIN_CASES)
        ranked = [i for i in np.argsort(-row, kind="stable")[:LANGUAGE_CANDIDATES * top_n] if row[i] > 0]
        own = np.flatnonzero(group_class == index[c])
        best = ranked[:top_n] if len(own) < 2 else _balanced_pick(ranked, per_group[own], weight[own], top_n)
        out[int(c)] = [Keyword(term=str(found.terms[i]), score=round(float(row[i]), 5)) for i in best]
    return out


KEYWORD_MIN_CASES = 2  # a keyword is a term at least this many of the theme's cases use (one case's words, e.g.
# the only Vietnamese case of a theme, weighted up as its language's voice, read as the theme's first keywords)
LANGUAGE_CANDIDATES = 5  # keywords are picked from this many times `top_n` of a theme's best-scored terms
LANGUAGE_BOUND = 0.8  # a term is one language's when that language's cases give this share of its weighted tf


def _balanced_pick(ranked: list[int], counts: sparse.csr_matrix, weight: np.ndarray, top_n: int) -> list[int]:
    """`top_n` of the `ranked` terms of a theme of several languages (`counts`: its languages' term counts,
    `weight`: their weights, summing to 1): a term that one language's cases give is one of that language's
    keywords, and a language has at most its weight's share of the list (one at least); terms that several
    languages give are not limited. When the limits leave too few, the best of the rest fill the list."""
    sub = np.asarray(counts[:, ranked].todense(), dtype=np.float64)
    tf = sub / np.maximum(np.asarray(counts.sum(axis=1)), 1) * weight[:, None]
    share = tf.max(axis=0) / np.maximum(tf.sum(axis=0), 1e-12)
    owner = np.where(share >= LANGUAGE_BOUND, tf.argmax(axis=0), -1)
    quota = np.maximum(1, np.round(weight * top_n)).astype(int)
    taken, used = [], np.zeros(len(weight), dtype=int)
    for j, term in enumerate(ranked):
        if owner[j] < 0 or used[owner[j]] < quota[owner[j]]:
            taken.append(term)
            if owner[j] >= 0:
                used[owner[j]] += 1
        if len(taken) == top_n:
            return taken
    return taken + [t for t in ranked if t not in taken][:top_n - len(taken)]
