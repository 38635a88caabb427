# Measured boot cases (arm64): see tests/boot/boot.mk for the row format.
