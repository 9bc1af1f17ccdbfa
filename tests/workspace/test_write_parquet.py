"""A run's cases are written to Parquet a batch of rows at a time: the file reads back as the frame would have
been written whole, whatever the batch size (columns missing in the first batches, categories, times, nulls)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from assistant.workspace.runs import write_parquet


def frame(n: int) -> pd.DataFrame:
    return pd.DataFrame({
        "case_id": [f"c{i}" for i in range(n)],
        "note": [None if i < n // 2 else f"note {i}" for i in range(n)],  # the first batches hold no text
        "theme_id": pd.array([None] * (n - 1) + ["T01"], dtype="string"),
        "x": np.arange(n, dtype=np.float32),
        "unthemed": np.arange(n) % 3 == 0,
        "week": pd.Categorical(["2026-W01", "2026-W02"] * (n // 2)),
        "created_at": pd.to_datetime(["2026-01-01"] * n, utc=True),
    })


@pytest.mark.parametrize("batch_rows", [1, 7, 64, 10_000])
def test_batched_parquet_reads_back_as_the_whole_frame_written_at_once(tmp_path, batch_rows):
    cases = frame(64)
    write_parquet(cases, tmp_path / "batched.parquet", batch_rows=batch_rows)
    cases.to_parquet(tmp_path / "whole.parquet", index=False)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "batched.parquet"),
                                  pd.read_parquet(tmp_path / "whole.parquet"))
    assert pq.ParquetFile(tmp_path / "batched.parquet").num_row_groups == -(-64 // batch_rows)


def test_an_empty_frame_keeps_its_columns(tmp_path):
    write_parquet(frame(64).iloc[:0], tmp_path / "empty.parquet")
    back = pd.read_parquet(tmp_path / "empty.parquet")
    assert len(back) == 0 and list(back.columns) == list(frame(2).columns)
