"""Tools for the tests and the benchmarks (a scripted OpenAI-compatible server); not installed with the product."""
