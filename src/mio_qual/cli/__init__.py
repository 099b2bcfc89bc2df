"""The ``mio-qual`` command line: a thin face over the library (click + rich)."""
