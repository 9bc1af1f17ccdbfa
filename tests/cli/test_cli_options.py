"""Options shared by commands: the settings they build from the file, the environment and the command line."""

from __future__ import annotations

from assistant.cli import build_parser, options


def test_theme_settings_from_the_file_then_the_command_line(tmp_path, monkeypatch):
    monkeypatch.delenv("ERROR_THEMES_CLUSTER__MIN_CLUSTER_SIZE", raising=False)
    config = tmp_path / "s.yaml"
    config.write_text("cluster:\n  min_cluster_size: 12\nreduce:\n  seed: 7\n", encoding="utf-8")
    args = build_parser().parse_args(["themes", "cases.csv", "--config", str(config), "--min-cluster-size", "30"])
    settings = options.theme_settings(args)
    assert settings.cluster.min_cluster_size == 30  # the command line wins
    assert settings.reduce.seed == 7  # the file, where the command line says nothing


def test_column_map_from_a_file_and_options(tmp_path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text("id: case_id\nnote: reviewer_note\n", encoding="utf-8")
    args = build_parser().parse_args(["validate", "cases.csv", "--mapping", str(mapping), "--map", "text=ad_text",
                                      "--lenient", "--max-field-chars", "500"])
    loading = options.loading(args)
    assert loading.column_map == {"id": "case_id", "note": "reviewer_note", "text": "ad_text"}
    assert loading.lenient and loading.max_field_chars == 500


def test_llm_settings_come_from_the_same_file(tmp_path):
    config = tmp_path / "s.yaml"
    config.write_text("llm:\n  model: m1\n  policy_share: 0.7\n", encoding="utf-8")
    llm = options.settings(build_parser().parse_args(["draft", "latest", "--config", str(config)])).llm
    assert (llm.model, llm.policy_share) == ("m1", 0.7)


def test_embedding_runtime_and_ray_from_the_file_then_the_command_line(tmp_path):
    config = tmp_path / "s.yaml"
    config.write_text("embed:\n  backend: onnx\n  ray_actors: 4\n", encoding="utf-8")
    args = build_parser().parse_args(["themes", "cases.csv", "--config", str(config), "--engine", "ray",
                                      "--ray-address", "auto"])
    embed = options.theme_settings(args).embed
    assert (embed.backend, embed.engine, embed.ray_address, embed.ray_actors) == ("onnx", "ray", "auto", 4)
    args = build_parser().parse_args(["themes", "cases.csv", "--backend", "torch"])
    assert options.theme_settings(args).embed.engine == "local"
    assert options.theme_settings(args).embed.backend == "torch"
