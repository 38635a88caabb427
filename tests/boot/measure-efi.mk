# Measured boot cases (efi): see tests/boot/boot.mk for the row format.
