// mmu_tlb.sv — one TLB (model/include/mmulab/tlb.h, model/src/tlb/): 1..4
// set-associative arrays holding disjoint sets of page sizes, ASID-tagged,
// with global entries. Bit for bit the C tlb of the same tlb_config.
//
// Cycle semantics (all at one rising edge, in this order):
//   1. lookup: the outputs are combinational on the state at the start of
//      the cycle (tlb_probe; all zero on a miss); with lookup_valid_i the hit
//      is also touched (tlb_lookup's repl_touch) at the edge.
//   2. flush (flush_valid_i, flush_op_i = TlbFlush*), and the OS shootdowns
//      of sd_valid_i (tlb_flush_asid_va with globals, one per lane).
//   3. fill ports 0, 1, .. in order: op 1 inserts (tlb_insert), op 2 removes
//      the same page (tlb_invalidate_entry); port k sees ports < k. An insert
//      that evicts a valid entry shows it on evict_*_o[k] in the same cycle
//      (tlb_insert's victim; a rewrite of the same page evicts nothing); the
//      evict outputs of a port that evicts nothing are zero.
// Fills go to the array that holds the entry's size; a size no array holds
// (or a vpn whose page would lie above 2^64) is ignored, as in C.
//
// Parameters mirror tlb_config: array i is ArrayEntries[32*i +: 32]
// entries of ArrayWays[32*i +: 32] ways holding the sizes of
// ArrayLevelMask[8*i +: 8]. Every array has its own replacement state and
// LFSR, each seeded with LfsrSeed (repl_create per array in tlb.c; 0 means
// 0xACE1). fill_op_i 3 does nothing.
// Requirements (tlb_create's): entries / ways a power of two, ways <= entries,
// power-of-two ways for PLRU, no size held by two arrays.
module mmu_tlb import mmu_pkg::*; #(
  parameter int unsigned     NumArrays      = 1,
  parameter logic [4*32-1:0] ArrayEntries   = {32'd0, 32'd0, 32'd0, 32'd64},
  parameter logic [4*32-1:0] ArrayWays      = {32'd0, 32'd0, 32'd0, 32'd4},
  parameter logic [4*8-1:0]  ArrayLevelMask = {8'd0, 8'd0, 8'd0, 8'd1},
  parameter int unsigned     Replacement    = ReplLru,
  parameter logic [15:0]     LfsrSeed       = 16'hACE1,
  parameter int unsigned     FillPorts      = 2,
  parameter int unsigned     SdLanes        = 1,
  parameter int unsigned     Shootdowns     = 1   // 0: the sd_*_i lanes are ignored
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,
  // lookup
  input  logic                        lookup_valid_i,
  input  logic [VaW-1:0]              lookup_va_i,
  input  logic [AsidW-1:0]            lookup_asid_i,
  output logic                        lookup_hit_o,
  output logic [PaW-1:0]              lookup_ppn_o,
  output logic [LevelW-1:0]           lookup_level_o,
  output logic [PermW-1:0]            lookup_perm_o,
  output logic [AsidW-1:0]            lookup_entry_asid_o,
  // flush
  input  logic                        flush_valid_i,
  input  logic [2:0]                  flush_op_i,
  input  logic                        flush_include_global_i,
  input  logic [AsidW-1:0]            flush_asid_i,
  input  logic [VaW-1:0]              flush_va_i,
  // OS shootdowns
  input  logic [SdLanes-1:0]          sd_valid_i,
  input  logic [SdLanes*AsidW-1:0]    sd_asid_i,
  input  logic [SdLanes*VaW-1:0]      sd_va_i,
  // fill ports
  input  logic [FillPorts*2-1:0]      fill_op_i,
  input  logic [FillPorts*VaW-1:0]    fill_vpn_i,
  input  logic [FillPorts*PaW-1:0]    fill_ppn_i,
  input  logic [FillPorts*AsidW-1:0]  fill_asid_i,
  input  logic [FillPorts*LevelW-1:0] fill_level_i,
  input  logic [FillPorts*PermW-1:0]  fill_perm_i,
  // evictions
  output logic [FillPorts-1:0]        evict_valid_o,
  output logic [FillPorts*VaW-1:0]    evict_vpn_o,
  output logic [FillPorts*PaW-1:0]    evict_ppn_o,
  output logic [FillPorts*AsidW-1:0]  evict_asid_o,
  output logic [FillPorts*LevelW-1:0] evict_level_o,
  output logic [FillPorts*PermW-1:0]  evict_perm_o
);

  if (NumArrays < 1 || NumArrays > 4) begin : g_bad_num_arrays
    $error("mmu_tlb: NumArrays %0d not in 1..4", NumArrays);
  end
  for (genvar i = 1; i < NumArrays; i++) begin : g_check_disjoint
    for (genvar j = 0; j < i; j++) begin : g_prev
      if ((ArrayLevelMask[8*i +: 8] & ArrayLevelMask[8*j +: 8]) != 8'd0) begin : g_shared_size
        $error("mmu_tlb: arrays %0d and %0d hold the same page size", j, i);
      end
    end
  end

  logic [NumArrays-1:0]            arr_hit;
  logic [NumArrays*LevelW-1:0]     arr_level;
  logic [NumArrays*PaW-1:0]        arr_ppn;
  logic [NumArrays*PermW-1:0]      arr_perm;
  logic [NumArrays*AsidW-1:0]      arr_asid;
  logic [NumArrays-1:0]            arr_touch;

  logic [NumArrays*FillPorts-1:0]        arr_evict_valid;
  logic [NumArrays*FillPorts*VaW-1:0]    arr_evict_vpn;
  logic [NumArrays*FillPorts*PaW-1:0]    arr_evict_ppn;
  logic [NumArrays*FillPorts*AsidW-1:0]  arr_evict_asid;
  logic [NumArrays*FillPorts*LevelW-1:0] arr_evict_level;
  logic [NumArrays*FillPorts*PermW-1:0]  arr_evict_perm;

  for (genvar i = 0; i < NumArrays; i++) begin : g_array
    mmu_tlb_array #(
      .Entries     (ArrayEntries[32*i +: 32]),
      .Ways        (ArrayWays[32*i +: 32]),
      .LevelMask   (ArrayLevelMask[8*i +: 8]),
      .Replacement (Replacement),
      .LfsrSeed    (LfsrSeed),
      .FillPorts   (FillPorts),
      .SdLanes     (SdLanes),
      .Shootdowns  (Shootdowns)
    ) u_array (
      .clk_i,
      .rst_ni,
      .lookup_va_i,
      .lookup_asid_i,
      .lookup_hit_o           (arr_hit[i]),
      .lookup_level_o         (arr_level[i*LevelW +: LevelW]),
      .lookup_ppn_o           (arr_ppn[i*PaW +: PaW]),
      .lookup_perm_o          (arr_perm[i*PermW +: PermW]),
      .lookup_asid_o          (arr_asid[i*AsidW +: AsidW]),
      .touch_i                (arr_touch[i]),
      .flush_valid_i,
      .flush_op_i,
      .flush_include_global_i,
      .flush_asid_i,
      .flush_va_i,
      .sd_valid_i,
      .sd_asid_i,
      .sd_va_i,
      .fill_op_i,
      .fill_vpn_i,
      .fill_ppn_i,
      .fill_asid_i,
      .fill_level_i,
      .fill_perm_i,
      .evict_valid_o          (arr_evict_valid[i*FillPorts +: FillPorts]),
      .evict_vpn_o            (arr_evict_vpn[i*FillPorts*VaW +: FillPorts*VaW]),
      .evict_ppn_o            (arr_evict_ppn[i*FillPorts*PaW +: FillPorts*PaW]),
      .evict_asid_o           (arr_evict_asid[i*FillPorts*AsidW +: FillPorts*AsidW]),
      .evict_level_o          (arr_evict_level[i*FillPorts*LevelW +: FillPorts*LevelW]),
      .evict_perm_o           (arr_evict_perm[i*FillPorts*PermW +: FillPorts*PermW])
    );
  end

  // The smallest size that hits wins (tlb.c probes sizes smallest first:
  // when stale entries of two sizes cover va, the smaller page is used).
  // Arrays hold disjoint sizes, so at most one array hits at that size.
  localparam int unsigned ArrW = NumArrays > 1 ? $clog2(NumArrays) : 1;

  always_comb begin
    logic [ArrW-1:0] best;
    lookup_hit_o        = 1'b0;
    lookup_ppn_o        = '0;
    lookup_level_o      = '0;
    lookup_perm_o       = '0;
    lookup_entry_asid_o = '0;
    best                = '0;
    for (int unsigned i = 0; i < NumArrays; i++) begin
      if (arr_hit[i] && (!lookup_hit_o || arr_level[i*LevelW +: LevelW] < lookup_level_o)) begin
        lookup_hit_o        = 1'b1;
        lookup_level_o      = arr_level[i*LevelW +: LevelW];
        lookup_ppn_o        = arr_ppn[i*PaW +: PaW];
        lookup_perm_o       = arr_perm[i*PermW +: PermW];
        lookup_entry_asid_o = arr_asid[i*AsidW +: AsidW];
        best                = ArrW'(i);
      end
    end
    arr_touch = '0;
    arr_touch[best] = lookup_valid_i && lookup_hit_o;
  end

  // A fill reaches exactly one array (the one holding its size), whose
  // eviction outputs are zero for ports it does not serve.
  always_comb begin
    evict_valid_o = '0;
    evict_vpn_o   = '0;
    evict_ppn_o   = '0;
    evict_asid_o  = '0;
    evict_level_o = '0;
    evict_perm_o  = '0;
    for (int unsigned i = 0; i < NumArrays; i++) begin
      evict_valid_o |= arr_evict_valid[i*FillPorts +: FillPorts];
      evict_vpn_o   |= arr_evict_vpn[i*FillPorts*VaW +: FillPorts*VaW];
      evict_ppn_o   |= arr_evict_ppn[i*FillPorts*PaW +: FillPorts*PaW];
      evict_asid_o  |= arr_evict_asid[i*FillPorts*AsidW +: FillPorts*AsidW];
      evict_level_o |= arr_evict_level[i*FillPorts*LevelW +: FillPorts*LevelW];
      evict_perm_o  |= arr_evict_perm[i*FillPorts*PermW +: FillPorts*PermW];
    end
  end

endmodule
