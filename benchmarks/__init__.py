"""Benchmarks for greenroom (`make bench`)."""
