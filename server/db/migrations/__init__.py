"""Hand-written migrations, in order. Each module has ``ID`` and ``steps(dialect) -> list[str]``."""
