include tests/unit/unit.mk
include tests/fuzz/fuzz.mk
