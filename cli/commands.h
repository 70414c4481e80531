/*
 * commands.h — subcommands of the mmulab executable that live outside
 * mmulab.c. Each takes the arguments after its own name and returns the
 * exit status: 0 success, 1 the run or its input failed, 2 bad usage.
 */
#ifndef MMULAB_COMMANDS_H
#define MMULAB_COMMANDS_H

/* `mmulab trace convert|gen|stat ...` (docs/trace-tools.md) */
int cmd_trace(int argc, char **argv);

/* `mmulab sweep --one-pass ...`: miss counts of many TLB sizes from one
 * pass over a trace (docs/sweeps.md) */
int cmd_sweep(int argc, char **argv);

/* `mmulab sweep SPEC`: a grid sweep (presets x configs x --set values x
 * traces), one `mmulab run` process per point (docs/sweeps-grid.md) */
int cmd_sweep_grid(int argc, char **argv);

/* `mmulab os import PID` / `mmulab os info FILE`: address-space images of
 * real processes (docs/os-model.md, "Importing a real process") */
int cmd_os(int argc, char **argv);

/* `mmulab rtl-params`: package mmu_cfg_pkg for a config (docs/rtl.md) */
int cmd_rtl_params(int argc, char **argv);

/* `mmulab cosim ...`: runs the RTL/model lockstep harness (docs/rtl.md) */
int cmd_cosim(int argc, char **argv);

/* `mmulab area`: cells and flip-flops per RTL block, synthesized with Yosys
 * (docs/cli.md) */
int cmd_area(int argc, char **argv);

#endif
