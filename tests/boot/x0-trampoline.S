/* x0-trampoline.S: a stand-in loader for the hostile-DTB boot tests
 * (tests/boot/boot.py --x0-dtb). It enters shim.img as arm64 booting.rst
 * says a loader does: "x0 = physical address of device tree blob (dtb) in
 * system RAM", x1-x3 = 0, MMU and caches off (as QEMU resets the CPU). But
 * the blob is one QEMU never validated: QEMU's -dtb and U-Boot's booti
 * refuse a bad one before the shim could see it.
 *   aarch64-linux-gnu-gcc -nostdlib -static -DDTB_ADDR=.. -DIMG_ADDR=.. */
	.globl	_start
_start:
	ldr	x0, =DTB_ADDR
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	ldr	x4, =IMG_ADDR
	br	x4
