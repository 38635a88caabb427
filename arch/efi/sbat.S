/* The .sbat section (rhboot shim's SBAT.md): CSV, the "sbat,1,..." line
 * naming the format, then bootshim's own component line with its
 * generation, which revocations through SbatLevel compare against. The
 * build writes the CSV (Makefile, SBAT_GENERATION, SBAT_URL). */
	.section .sbat, "a"
	.incbin SBAT_FILE

	.section .note.GNU-stack, "", %progbits
