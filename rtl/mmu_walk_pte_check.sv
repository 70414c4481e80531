// mmu_walk_pte_check.sv — what one PTE means to the walk that read it, in
// every format, exactly as model/src/pt/walk.c decides it: the fault it
// raises (walk.c's priority), whether it ends the walk as a leaf, the A/D
// update the walk must write back, and what the next level inherits (table
// base, x86 accumulated rights, RISC-V global). Purely combinational: the
// walker evaluates it in the cycle the PTE arrives, so a response can turn
// into the next request in the same cycle.
module mmu_walk_pte_check import mmu_pkg::*; #(
  // RISC-V PTEs hold a 44-bit PPN: table and page addresses reach 56 bits,
  // more than PaW; the walker keeps them whole so it can match the C model
  localparam int unsigned WalkPaW = 56
) (
  input  logic [PteW-1:0]    pte_i,
  input  logic               bus_error_i,   // the read of pte_i failed (pte_i is meaningless)
  input  logic [LevelW-1:0]  level_i,
  input  logic               is_x86_i,
  input  logic [VaW-1:0]     va_i,
  input  logic [1:0]         access_i,
  input  logic               priv_i,
  input  logic [6:0]         pa_bits_i,     // x86 MAXPHYADDR
  input  logic               ad_i,          // RISC-V: AdFault = Svade, AdHardware = Svadu
  input  logic               nxe_i,
  input  logic               wp_i,
  input  logic               smep_i,
  input  logic               smap_i,
  input  logic               sum_i,
  input  logic               mxr_i,
  input  logic               svnapot_i,
  input  logic               svpbmt_i,
  input  logic [3:0]         perm_i,        // x86: R/W/X/U accumulated above this level
  input  logic               global_i,      // RISC-V: G seen above this level
  output logic [3:0]         fault_o,       // FaultNone: leaf_o or a pointer
  output logic               leaf_o,
  output logic               write_o,       // write wdata_o back (A/D update)
  output logic [PteW-1:0]    wdata_o,
  output logic [WalkPaW-1:0] next_table_o,  // pointer: base of the next-level table
  output logic [3:0]         perm_after_o,  // pointer: rights accumulated after this level
  output logic               global_after_o,
  output logic [WalkPaW-1:0] leaf_pa_o,     // leaf: translated address
  output logic [PermW-1:0]   leaf_perm_o    // leaf: walk_result.perm
);

  // x86-64 entry bits (pt.h)
  localparam int unsigned X86P  = 0;
  localparam int unsigned X86Rw = 1;
  localparam int unsigned X86Us = 2;
  localparam int unsigned X86A  = 5;
  localparam int unsigned X86D  = 6;
  localparam int unsigned X86Ps = 7;
  localparam int unsigned X86G  = 8;
  localparam int unsigned X86Xd = 63;
  localparam logic [PteW-1:0] X86AddrMask  = 64'h000f_ffff_ffff_f000;
  localparam logic [PteW-1:0] X86LargeRsvd1 = 64'h0000_0000_001f_e000;  // 2M leaf: 20:13
  localparam logic [PteW-1:0] X86LargeRsvd2 = 64'h0000_0000_3fff_e000;  // 1G leaf: 29:13

  // RISC-V entry bits (pt.h)
  localparam int unsigned RvV = 0;
  localparam int unsigned RvR = 1;
  localparam int unsigned RvW = 2;
  localparam int unsigned RvX = 3;
  localparam int unsigned RvU = 4;
  localparam int unsigned RvG = 5;
  localparam int unsigned RvA = 6;
  localparam int unsigned RvD = 7;
  localparam int unsigned RvN = 63;
  localparam logic [3:0] RvNapotPpn = 4'h8;      // ppn[3:0] of a 64 KiB Svnapot leaf
  localparam logic [3:0] PermRwxu = 4'hF;

  // bytes covered by one entry of a level, minus one (pte_page_mask)
  function automatic logic [VaW-1:0] page_mask(input logic [LevelW-1:0] level);
    logic [VaW-1:0] mask;
    case (level)
      3'd0:    mask = 64'h0000_0000_0000_0fff;
      3'd1:    mask = 64'h0000_0000_001f_ffff;
      3'd2:    mask = 64'h0000_0000_3fff_ffff;
      3'd3:    mask = 64'h0000_007f_ffff_ffff;
      3'd4:    mask = 64'h0000_ffff_ffff_ffff;
      // deeper levels exist in no format; walk_run never reads one
      default: mask = 64'h01ff_ffff_ffff_ffff;
    endcase
    page_mask = mask;
  endfunction

  logic [VaW-1:0] level_mask;
  assign level_mask = page_mask(level_i);

  logic store, ifetch, load;
  assign store  = access_i == AccStore;
  assign ifetch = access_i == AccIfetch;
  assign load   = access_i == AccLoad;

  // ---------------------------------------------------------------- x86 ----
  logic [PteW-1:0] x86_addr_rsvd;   // address bits 51:pa_bits (x86_reserved_addr_bits)
  always_comb begin
    x86_addr_rsvd = '0;
    for (int unsigned b = 12; b < 52; b++) begin
      x86_addr_rsvd[b] = b >= 32'(pa_bits_i);
    end
  end

  logic            x86_leaf, x86_rsvd;
  logic [PteW-1:0] x86_leaf_rsvd;
  logic [3:0]      x86_perm;
  logic [3:0]      x86_perm_fault;
  logic [PteW-1:0] x86_updated;
  always_comb begin
    x86_leaf = level_i == 3'd0 || pte_i[X86Ps];
    case (level_i)
      3'd1:    x86_leaf_rsvd = X86LargeRsvd1;
      3'd2:    x86_leaf_rsvd = X86LargeRsvd2;
      default: x86_leaf_rsvd = '0;
    endcase
    x86_rsvd = (|(pte_i & x86_addr_rsvd)) || (!nxe_i && pte_i[X86Xd]) ||
               (x86_leaf && level_i >= 3'd3) || (x86_leaf && |(pte_i & x86_leaf_rsvd));

    // RW and US are ANDed down the walk, XD ORed
    x86_perm = perm_i;
    x86_perm[PermBitW] = perm_i[PermBitW] & pte_i[X86Rw];
    x86_perm[PermBitU] = perm_i[PermBitU] & pte_i[X86Us];
    x86_perm[PermBitX] = perm_i[PermBitX] & !(nxe_i && pte_i[X86Xd]);

    // x86_perm_fault: EFLAGS.AC is taken as 0, so SMAP blocks every
    // supervisor data access to a user page
    x86_perm_fault = FaultNone;
    if (priv_i == PrivUser && !x86_perm[PermBitU]) begin
      x86_perm_fault = FaultPermUser;
    end else if (priv_i == PrivSupervisor && x86_perm[PermBitU] && (ifetch ? smep_i : smap_i)) begin
      x86_perm_fault = FaultPermSupervisor;
    end else if (store && !x86_perm[PermBitW] && (priv_i == PrivUser || wp_i)) begin
      x86_perm_fault = FaultPermWrite;
    end else if (ifetch && !x86_perm[PermBitX]) begin
      x86_perm_fault = FaultPermExec;
    end

    // the leaf gets A (and D on a store); a pointer gets A
    x86_updated = pte_i;
    x86_updated[X86A] = 1'b1;
    if (x86_leaf && store) x86_updated[X86D] = 1'b1;
  end

  // ------------------------------------------------------------ RISC-V ----
  logic [43:0]     rv_ppn;
  logic [PteW-1:0] rv_base;       // ppn << 12, 56 bits used
  logic            rv_leaf, rv_bad, rv_ptr_rsvd, rv_global, rv_misaligned, rv_napot_bad;
  logic [3:0]      rv_perm;
  logic [3:0]      rv_perm_fault;
  logic [3:0]      rv_leaf_fault;
  logic [PteW-1:0] rv_updated;
  logic [PteW-1:0] rv_pa_mask;
  logic [35:0]     rv_align_mask;
  always_comb begin
    rv_ppn  = pte_i[53:10];
    rv_base = {8'd0, rv_ppn, 12'd0};
    // W without R, bits 60:54, N without Svnapot, PBMT without Svpbmt, PBMT=3
    rv_bad = (pte_i[RvW] && !pte_i[RvR]) || (|pte_i[60:54]) ||
             (!svnapot_i && pte_i[RvN]) || (!svpbmt_i && |pte_i[62:61]) || (&pte_i[62:61]);
    rv_leaf   = pte_i[RvR] || pte_i[RvX];
    rv_global = global_i || pte_i[RvG];
    // D, A and U are reserved in pointers, as are N and PBMT
    rv_ptr_rsvd = pte_i[RvD] || pte_i[RvA] || pte_i[RvU] || pte_i[RvN] || |pte_i[62:61];

    rv_perm = {pte_i[RvU], pte_i[RvX], pte_i[RvW], pte_i[RvR]};
    // rv_perm_fault: S-mode never executes from a user page, whatever SUM says
    rv_perm_fault = FaultNone;
    if (priv_i == PrivUser && !rv_perm[PermBitU]) begin
      rv_perm_fault = FaultPermUser;
    end else if (priv_i == PrivSupervisor && rv_perm[PermBitU] && (ifetch || !sum_i)) begin
      rv_perm_fault = FaultPermSupervisor;
    end else if (ifetch && !rv_perm[PermBitX]) begin
      rv_perm_fault = FaultPermExec;
    end else if (load && !(rv_perm[PermBitR] || (mxr_i && rv_perm[PermBitX]))) begin
      rv_perm_fault = FaultPermRead;
    end else if (store && !rv_perm[PermBitW]) begin
      rv_perm_fault = FaultPermWrite;
    end

    case (level_i)
      3'd0:    rv_align_mask = 36'h0_0000_0000;
      3'd1:    rv_align_mask = 36'h0_0000_01ff;
      3'd2:    rv_align_mask = 36'h0_0003_ffff;
      3'd3:    rv_align_mask = 36'h0_07ff_ffff;
      default: rv_align_mask = 36'hf_ffff_ffff;
    endcase
    rv_misaligned = |(rv_ppn[35:0] & rv_align_mask);
    rv_napot_bad  = pte_i[RvN] && (level_i != 3'd0 || rv_ppn[3:0] != RvNapotPpn);

    rv_leaf_fault = rv_perm_fault;
    if (rv_leaf_fault == FaultNone && rv_misaligned) begin
      rv_leaf_fault = FaultMisalignedSuperpage;
    end else if (rv_leaf_fault == FaultNone && rv_napot_bad) begin
      rv_leaf_fault = FaultReserved;
    end else if (rv_leaf_fault == FaultNone && ad_i == AdFault && !pte_i[RvA]) begin
      rv_leaf_fault = FaultAccessedClear;
    end else if (rv_leaf_fault == FaultNone && ad_i == AdFault && store && !pte_i[RvD]) begin
      rv_leaf_fault = FaultDirtyClear;
    end

    // Svadu: hardware sets A, and D on a store; Svade leaves the PTE alone
    rv_updated = pte_i;
    if (ad_i == AdHardware) begin
      rv_updated[RvA] = 1'b1;
      if (store) rv_updated[RvD] = 1'b1;
    end

    rv_pa_mask = pte_i[RvN] ? 64'h0000_0000_0000_ffff : level_mask;
  end

  // --------------------------------------------------------- the verdict ----
  always_comb begin
    fault_o        = FaultNone;
    leaf_o         = 1'b0;
    write_o        = 1'b0;
    wdata_o        = pte_i;
    next_table_o   = '0;
    perm_after_o   = perm_i;
    global_after_o = 1'b0;
    leaf_pa_o      = '0;
    leaf_perm_o    = '0;
    if (bus_error_i) begin
      fault_o = FaultBusError;
    end else if (is_x86_i ? !pte_i[X86P] : !pte_i[RvV]) begin
      fault_o = FaultNotPresent;
    end else if (is_x86_i) begin
      if (x86_rsvd) begin
        fault_o = FaultReserved;
      end else if (x86_leaf) begin
        fault_o = x86_perm_fault;
        if (x86_perm_fault == FaultNone) begin
          leaf_o      = 1'b1;
          write_o     = x86_updated != pte_i;
          wdata_o     = x86_updated;
          leaf_pa_o   = WalkPaW'((pte_i & X86AddrMask & ~level_mask) | (va_i & level_mask));
          leaf_perm_o = {x86_updated[X86D], 1'b1, pte_i[X86G], x86_perm};
        end
      end else begin
        // the processor sets A in every entry it uses, before it knows
        // whether the walk will fault further down
        write_o      = !pte_i[X86A];
        wdata_o      = x86_updated;
        next_table_o = WalkPaW'(pte_i & X86AddrMask);
        perm_after_o = x86_perm;
      end
    end else begin
      if (rv_bad) begin
        fault_o = FaultReserved;
      end else if (rv_leaf) begin
        fault_o = rv_leaf_fault;
        if (rv_leaf_fault == FaultNone) begin
          leaf_o      = 1'b1;
          write_o     = rv_updated != pte_i;
          wdata_o     = rv_updated;
          leaf_pa_o   = WalkPaW'((rv_base & ~rv_pa_mask) | (va_i & rv_pa_mask));
          leaf_perm_o = {rv_updated[RvD], rv_updated[RvA], rv_global, rv_perm};
        end
      end else if (rv_ptr_rsvd) begin
        fault_o = FaultReserved;
      end else if (level_i == 3'd0) begin
        fault_o = FaultNoLeaf;
      end else begin
        next_table_o   = WalkPaW'(rv_base);
        perm_after_o   = PermRwxu;   // RISC-V pointers restrict nothing
        global_after_o = rv_global;
      end
    end
  end

endmodule
