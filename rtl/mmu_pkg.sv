// mmu_pkg.sv — the vocabulary shared by every RTL block and the C model:
// access types, privilege, page-table formats, fault causes, replacement
// policies, walk-cache designs and flush primitives. Values mirror
// model/include/mmulab/{common,pt,repl,pwc}.h number for number;
// tests/rtl/pkg_mirror checks that they still do.
// The package is the whole shared vocabulary; each block uses part of it,
// so unused constants here are expected (and only here).
/* verilator lint_off UNUSEDPARAM */
package mmu_pkg;

  // widths of the datapath
  localparam int unsigned VaW    = 64;
  // a physical address: RISC-V's 44-bit PPN makes 56 bits; the physical
  // memory (the model's pmem, the page tables, the root pointer) has 52
  localparam int unsigned PaW    = 56;
  localparam int unsigned MemPaW = 52;
  localparam int unsigned AsidW  = 16;
  localparam int unsigned PteW   = 64;
  localparam int unsigned LevelW = 3;   // page-table level 0..4 (0 = 4 KiB leaf)
  localparam int unsigned PermW  = 7;   // R W X U G A D
  localparam int unsigned MaxLevels = 5;

  // mm_access
  localparam logic [1:0] AccIfetch = 2'd0;
  localparam logic [1:0] AccLoad   = 2'd1;
  localparam logic [1:0] AccStore  = 2'd2;

  // mm_priv
  localparam logic PrivUser       = 1'b0;
  localparam logic PrivSupervisor = 1'b1;

  // MM_PERM_* bit positions
  localparam int unsigned PermBitR = 0;
  localparam int unsigned PermBitW = 1;
  localparam int unsigned PermBitX = 2;
  localparam int unsigned PermBitU = 3;
  localparam int unsigned PermBitG = 4;
  localparam int unsigned PermBitA = 5;
  localparam int unsigned PermBitD = 6;

  // pt_format
  localparam logic [2:0] FmtX86L4 = 3'd0;
  localparam logic [2:0] FmtX86L5 = 3'd1;
  localparam logic [2:0] FmtSv39  = 3'd2;
  localparam logic [2:0] FmtSv48  = 3'd3;
  localparam logic [2:0] FmtSv57  = 3'd4;

  // mm_fault
  localparam logic [3:0] FaultNone                = 4'd0;
  localparam logic [3:0] FaultNotPresent          = 4'd1;
  localparam logic [3:0] FaultPermRead            = 4'd2;
  localparam logic [3:0] FaultPermWrite           = 4'd3;
  localparam logic [3:0] FaultPermExec            = 4'd4;
  localparam logic [3:0] FaultPermUser            = 4'd5;
  localparam logic [3:0] FaultPermSupervisor      = 4'd6;
  localparam logic [3:0] FaultReserved            = 4'd7;
  localparam logic [3:0] FaultMisalignedSuperpage = 4'd8;
  localparam logic [3:0] FaultNonCanonical        = 4'd9;
  localparam logic [3:0] FaultAccessedClear       = 4'd10;
  localparam logic [3:0] FaultDirtyClear          = 4'd11;
  localparam logic [3:0] FaultNoLeaf              = 4'd12;
  localparam logic [3:0] FaultBusError            = 4'd13;

  // repl_policy
  localparam int unsigned ReplLru    = 0;
  localparam int unsigned ReplPlru   = 1;
  localparam int unsigned ReplFifo   = 2;
  localparam int unsigned ReplRandom = 3;
  localparam logic [15:0] ReplLfsrTaps = 16'hB400;

  // walk_ad_mode
  localparam logic AdHardware = 1'b0;
  localparam logic AdFault    = 1'b1;

  // pwc_design
  localparam int unsigned PwcNone    = 0;
  localparam int unsigned PwcSplit   = 1;
  localparam int unsigned PwcUnified = 2;
  localparam int unsigned PwcPte     = 3;

  // TLB flush primitives (tlb.h): what one flush does to one TLB
  localparam logic [2:0] TlbFlushNone      = 3'd0;
  localparam logic [2:0] TlbFlushAll       = 3'd1;  // tlb_flush_all
  localparam logic [2:0] TlbFlushNonGlobal = 3'd2;  // tlb_flush_nonglobal
  localparam logic [2:0] TlbFlushAsid      = 3'd3;  // tlb_flush_asid (non-global of asid)
  localparam logic [2:0] TlbFlushVa        = 3'd4;  // tlb_flush_va (any asid, global too)
  localparam logic [2:0] TlbFlushAsidVa    = 3'd5;  // tlb_flush_asid_va, include_global separate

  // walk-cache flush primitives (pwc.h)
  localparam logic [1:0] PwcFlushNone = 2'd0;
  localparam logic [1:0] PwcFlushAll  = 2'd1;  // pwc_flush_all
  localparam logic [1:0] PwcFlushAsid = 2'd2;  // pwc_flush_asid(asid, include_global)
  localparam logic [1:0] PwcFlushVa   = 2'd3;  // pwc_flush_va(asid, va, all_asids)

  // a translation context, packed (mmu_ctx_table): the fields of walk_ctx
  //   [2:0] format, [54:3] root pa (MemPaW bits), [61:55] pa_bits, [62] ad (AdFault = Svade),
  //   [63] nxe, [64] wp, [65] smep, [66] smap, [67] sum, [68] mxr, [69] svnapot, [70] svpbmt
  localparam int unsigned CtxW = 71;

  // the hit level of a response (mmu_response.hit): a TLB index or a walk
  localparam logic [3:0] HitWalk = 4'hF;

endpackage
/* verilator lint_on UNUSEDPARAM */
