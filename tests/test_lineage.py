"""Lineage of themes against kept (registry) themes: continues, split from, merged from, new, gone."""

from clustering.tracking import lineage

BAR = 0.8  # a same-theme bar, as `same_theme_threshold` gives for MiniLM-like spreads
A, B, C = [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]


def near(v, other, w=0.25):
    return [x + w * y for x, y in zip(v, other)]


def test_same_themes_continue_and_a_missing_one_is_gone():
    out = lineage({"T1": near(A, B, 0.1), "T2": B}, {"K1": A, "K2": B, "K3": C}, BAR)
    assert [(t.current, t.kind, t.kept) for t in out.themes] == [("T1", "continues", "K1"), ("T2", "continues", "K2")]
    assert out.gone == ("K3",)


def test_a_theme_close_to_nothing_is_new():
    out = lineage({"T1": A, "T2": C}, {"K1": A}, BAR)
    assert out.of_current("T2").kind == "new" and out.of_current("T2").sources == ()
    assert out.gone == ()


def test_two_themes_close_to_one_kept_theme_are_a_split():
    out = lineage({"T1": near(A, B), "T2": near(A, C)}, {"K1": A, "K2": B}, BAR)
    kinds = {t.current: (t.kind, t.sources) for t in out.themes}
    assert sorted(kinds.values()) == [("continues", ("K1",)), ("split from", ("K1",))]
    assert out.gone == ("K2",)  # K2 is at 0.24 from T1: not close


def test_one_theme_close_to_two_kept_themes_is_a_merge_and_neither_is_gone():
    merged = [1.0, 1.0, 0.0]
    out = lineage({"T1": merged}, {"K1": near(A, B, 0.9), "K2": near(B, A, 0.8)}, BAR)
    item = out.of_current("T1")
    assert item.kind == "merged from" and set(item.sources) == {"K1", "K2"} and item.kept == "K1"
    assert out.gone == ()


def test_themes_of_another_embedding_space_are_all_new_and_kept_ones_gone():
    out = lineage({"T1": [1.0, 0.0]}, {"K1": A}, BAR)
    assert out.of_current("T1").kind == "new" and out.gone == ("K1",)


def test_a_part_of_a_continued_theme_is_a_split_at_the_looser_related_bar_only_beside_its_continuation():
    part = near(A, C, 0.6)  # at 0.86 from A: under the same-theme bar, over a looser related bar
    out = lineage({"T1": A, "T2": part}, {"K1": A}, BAR, related=0.85)
    assert out.of_current("T2").kind == "split from" and out.of_current("T2").sources == ("K1",)
    assert lineage({"T1": A, "T2": part}, {"K1": A}, BAR).of_current("T2").kind == "split from"  # 0.86 >= 0.8 too
    assert lineage({"T1": A, "T2": part}, {"K1": A}, 0.9).of_current("T2").kind == "new"  # no related bar given
    assert lineage({"T2": part}, {"K1": A}, 0.9, related=0.85).of_current("T2").kind == "new"  # nothing continues K1
    # a theme related to a kept theme that nothing continues is new, not a split
    assert lineage({"T1": C, "T2": part}, {"K1": A, "K2": C}, 0.95, related=0.85).of_current("T2").kind == "new"
