/* Exception stubs for vectors 0-31: each makes the stack look the same
 * (error code, 0 where the CPU pushes none; then the vector) and goes on
 * to x86_64_exception(), which reports and stops. Nothing returns. */
#include "x86_64.h"

/* Intel SDM vol. 3, table 6-1: the vectors whose exceptions push an
 * error code (#DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP, #VC, #SX). */
.macro exc_stub n
	.org	x86_64_exc_stubs + \n * X86_64_EXC_STUB_SIZE
	.if !(\n == 8 || (\n >= 10 && \n <= 14) || \n == 17 || \n == 21 || \n == 29 || \n == 30)
	pushq	$0
	.endif
	pushq	$\n
	jmp	exc_common
.endm

	.text
	.code64
	.balign	X86_64_EXC_STUB_SIZE
	.globl	x86_64_exc_stubs
x86_64_exc_stubs:
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	exc_stub \n
	.endr
	.org	x86_64_exc_stubs + X86_64_EXC_VECTORS * X86_64_EXC_STUB_SIZE

exc_common:
	cld
	movq	%rsp, %rdi	/* struct x86_64_exc_frame */
	andq	$-16, %rsp	/* the ABI's call alignment */
	call	x86_64_exception
	ud2			/* x86_64_exception does not return */
