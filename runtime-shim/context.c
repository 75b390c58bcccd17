/* The user-space context switch under the scheduler.
 *
 * A switch saves the callee-saved registers and the floating-point control
 * words on the current stack, stores the stack pointer, loads the other
 * context's and pops the same set back: what the C calling convention says a
 * called function must preserve, and nothing else, so a switch costs a few
 * nanoseconds and no system call (ucontext's swapcontext also saves and
 * restores the signal mask, a system call each time).
 *
 * Why not Boost.Context's fcontext: it does the same in the same way, but its
 * library is C++ and links libstdc++, which a preloaded C runtime would bring
 * into every traced program. The switch is one short routine per ABI, below
 * for x86-64 (System V) and AArch64 (AAPCS64).
 *
 * A fresh context starts in knot__ctx_entry with the entry function in a
 * callee-saved register; the function must never return. A new task's is
 * entered by knot__ctx_start, which writes nothing on the new stack first:
 * the page fault of its first touch (tens of microseconds under some
 * hypervisors) falls on the thread that runs the task, not on its spawner. */
#include "internal.h"

#if defined(__x86_64__)

/* Frame, from the saved stack pointer up: MXCSR and x87 control word (8
 * bytes), r15, r14, r13, r12, rbx, rbp, return address. Saving it, and the
 * stack pointer in *rdi, begins both the switch and a fresh start. */
#define SAVE_CONTEXT       \
    "    pushq %rbp\n"     \
    "    pushq %rbx\n"     \
    "    pushq %r12\n"     \
    "    pushq %r13\n"     \
    "    pushq %r14\n"     \
    "    pushq %r15\n"     \
    "    subq $8, %rsp\n"  \
    "    stmxcsr (%rsp)\n" \
    "    fnstcw 4(%rsp)\n" \
    "    movq %rsp, (%rdi)\n"

__asm__(".text\n"
        ".globl knot__ctx_switch\n"
        ".hidden knot__ctx_switch\n"
        ".type knot__ctx_switch,@function\n"
        "knot__ctx_switch:\n"
        "    .cfi_startproc\n" SAVE_CONTEXT "    movq %rsi, %rsp\n"
        "    ldmxcsr (%rsp)\n"
        "    fldcw 4(%rsp)\n"
        "    addq $8, %rsp\n"
        "    popq %r15\n"
        "    popq %r14\n"
        "    popq %r13\n"
        "    popq %r12\n"
        "    popq %rbx\n"
        "    popq %rbp\n"
        "    ret\n"
        "    .cfi_endproc\n"
        ".size knot__ctx_switch,.-knot__ctx_switch\n"
        /* Saves as above, then takes the fresh stack with the control
         * words a new thread starts with, and enters knot__ctx_entry. */
        ".globl knot__ctx_start\n"
        ".hidden knot__ctx_start\n"
        ".type knot__ctx_start,@function\n"
        "knot__ctx_start:\n"
        "    .cfi_startproc\n" SAVE_CONTEXT "    movq %rsi, %rsp\n"
        "    andq $-16, %rsp\n"
        "    ldmxcsr knot__fresh_control(%rip)\n"
        "    fldcw knot__fresh_control+4(%rip)\n"
        "    movq %rdx, %r12\n"
        "    jmp knot__ctx_entry\n"
        "    .cfi_endproc\n"
        ".size knot__ctx_start,.-knot__ctx_start\n"
        /* Entered by the first switch's ret with the stack 16-byte aligned:
         * the call below leaves the callee the alignment the ABI promises.
         * No return address above it: debuggers stop unwinding here. */
        ".globl knot__ctx_entry\n"
        ".hidden knot__ctx_entry\n"
        ".type knot__ctx_entry,@function\n"
        "knot__ctx_entry:\n"
        "    .cfi_startproc\n"
        "    .cfi_undefined rip\n"
        "    xorl %ebp, %ebp\n"
        "    callq *%r12\n"
        "    ud2\n"
        "    .cfi_endproc\n"
        ".size knot__ctx_entry,.-knot__ctx_entry\n");

void knot__ctx_entry(void);

/* MXCSR with all exceptions masked and rounding to nearest, then the x87
 * control word's default: how a new thread starts. */
KNOT__HIDDEN __attribute__((used)) const uint32_t knot__fresh_control[2] = {0x1F80, 0x037F};

void *knot__ctx_make(void *stack_top, void (*fn)(void)) {
    uintptr_t top = (uintptr_t)stack_top & ~(uintptr_t)15;
    uint64_t *sp = (uint64_t *)(top - 80);
    sp[0] = knot__fresh_control[0] | ((uint64_t)knot__fresh_control[1] << 32);
    sp[1] = 0;            /* r15 */
    sp[2] = 0;            /* r14 */
    sp[3] = 0;            /* r13 */
    sp[4] = (uint64_t)fn; /* r12: what knot__ctx_entry calls */
    sp[5] = 0;            /* rbx */
    sp[6] = 0;            /* rbp */
    sp[7] = (uint64_t)knot__ctx_entry;
    return sp; /* after the pops and ret: top - 16, aligned */
}

#elif defined(__aarch64__)

/* Frame, 176 bytes from the saved stack pointer up: x19..x30 (x29 the frame
 * pointer, x30 the link register), d8..d15, FPCR. Saving it, and the stack
 * pointer in *x0, begins both the switch and a fresh start. */
#define SAVE_CONTEXT                 \
    "    sub sp, sp, #176\n"         \
    "    stp x19, x20, [sp, #0]\n"   \
    "    stp x21, x22, [sp, #16]\n"  \
    "    stp x23, x24, [sp, #32]\n"  \
    "    stp x25, x26, [sp, #48]\n"  \
    "    stp x27, x28, [sp, #64]\n"  \
    "    stp x29, x30, [sp, #80]\n"  \
    "    stp d8, d9, [sp, #96]\n"    \
    "    stp d10, d11, [sp, #112]\n" \
    "    stp d12, d13, [sp, #128]\n" \
    "    stp d14, d15, [sp, #144]\n" \
    "    mrs x9, fpcr\n"             \
    "    str x9, [sp, #160]\n"       \
    "    mov x9, sp\n"               \
    "    str x9, [x0]\n"

__asm__(".text\n"
        ".globl knot__ctx_switch\n"
        ".hidden knot__ctx_switch\n"
        ".type knot__ctx_switch,%function\n"
        "knot__ctx_switch:\n" SAVE_CONTEXT "    mov sp, x1\n"
        "    ldp x19, x20, [sp, #0]\n"
        "    ldp x21, x22, [sp, #16]\n"
        "    ldp x23, x24, [sp, #32]\n"
        "    ldp x25, x26, [sp, #48]\n"
        "    ldp x27, x28, [sp, #64]\n"
        "    ldp x29, x30, [sp, #80]\n"
        "    ldp d8, d9, [sp, #96]\n"
        "    ldp d10, d11, [sp, #112]\n"
        "    ldp d12, d13, [sp, #128]\n"
        "    ldp d14, d15, [sp, #144]\n"
        "    ldr x9, [sp, #160]\n"
        "    msr fpcr, x9\n"
        "    add sp, sp, #176\n"
        "    ret\n"
        ".size knot__ctx_switch,.-knot__ctx_switch\n"
        /* Saves as above, then takes the fresh stack with FPCR's reset
         * value, and enters knot__ctx_entry. */
        ".globl knot__ctx_start\n"
        ".hidden knot__ctx_start\n"
        ".type knot__ctx_start,%function\n"
        "knot__ctx_start:\n" SAVE_CONTEXT "    and x1, x1, #~15\n"
        "    mov sp, x1\n"
        "    msr fpcr, xzr\n"
        "    mov x19, x2\n"
        "    b knot__ctx_entry\n"
        ".size knot__ctx_start,.-knot__ctx_start\n"
        ".globl knot__ctx_entry\n"
        ".hidden knot__ctx_entry\n"
        ".type knot__ctx_entry,%function\n"
        "knot__ctx_entry:\n"
        "    mov x29, #0\n"
        "    mov x30, #0\n"
        "    blr x19\n"
        "    brk #0\n"
        ".size knot__ctx_entry,.-knot__ctx_entry\n");

void knot__ctx_entry(void);

void *knot__ctx_make(void *stack_top, void (*fn)(void)) {
    uintptr_t top = (uintptr_t)stack_top & ~(uintptr_t)15;
    uint64_t *sp = (uint64_t *)(top - 176);
    for (int i = 0; i < 22; i++)
        sp[i] = 0;
    sp[0] = (uint64_t)fn;               /* x19: what knot__ctx_entry calls */
    sp[11] = (uint64_t)knot__ctx_entry; /* x30: where the first ret goes */
    return sp;
}

#else
#error "knot's scheduler has a context switch for x86-64 and AArch64 only"
#endif
