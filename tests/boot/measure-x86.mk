# Measured boot cases (x86): see tests/boot/boot.mk for the row format.
