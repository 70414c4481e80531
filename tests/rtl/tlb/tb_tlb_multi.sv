// tb_tlb_multi.sv — several mmu_tlb configurations in one Verilated model
// (one compile instead of five), all driven by the same inputs. Output d of
// each kind sits at [d*W +: W]; test_tlb.cc mirrors the configurations in
// its table kMultiConfigs, in the same order.
module tb_tlb_multi import mmu_pkg::*; #(
  parameter int unsigned FillPorts = 2,
  localparam int unsigned NumDuts = 5
) (
  input  logic                                clk_i,
  input  logic                                rst_ni,
  input  logic                                lookup_valid_i,
  input  logic [VaW-1:0]                      lookup_va_i,
  input  logic [AsidW-1:0]                    lookup_asid_i,
  output logic [NumDuts-1:0]                  lookup_hit_o,
  output logic [NumDuts*PaW-1:0]              lookup_ppn_o,
  output logic [NumDuts*LevelW-1:0]           lookup_level_o,
  output logic [NumDuts*PermW-1:0]            lookup_perm_o,
  output logic [NumDuts*AsidW-1:0]            lookup_entry_asid_o,
  input  logic                                flush_valid_i,
  input  logic [2:0]                          flush_op_i,
  input  logic                                flush_include_global_i,
  input  logic [AsidW-1:0]                    flush_asid_i,
  input  logic [VaW-1:0]                      flush_va_i,
  // one OS shootdown lane (sd_*_i of the block)
  input  logic                                sd_valid_i,
  input  logic [AsidW-1:0]                    sd_asid_i,
  input  logic [VaW-1:0]                      sd_va_i,
  input  logic [FillPorts*2-1:0]              fill_op_i,
  input  logic [FillPorts*VaW-1:0]            fill_vpn_i,
  input  logic [FillPorts*PaW-1:0]            fill_ppn_i,
  input  logic [FillPorts*AsidW-1:0]          fill_asid_i,
  input  logic [FillPorts*LevelW-1:0]         fill_level_i,
  input  logic [FillPorts*PermW-1:0]          fill_perm_i,
  output logic [NumDuts*FillPorts-1:0]        evict_valid_o,
  output logic [NumDuts*FillPorts*VaW-1:0]    evict_vpn_o,
  output logic [NumDuts*FillPorts*PaW-1:0]    evict_ppn_o,
  output logic [NumDuts*FillPorts*AsidW-1:0]  evict_asid_o,
  output logic [NumDuts*FillPorts*LevelW-1:0] evict_level_o,
  output logic [NumDuts*FillPorts*PermW-1:0]  evict_perm_o
);

  // per DUT: arrays, entries/ways/level mask of arrays 3..0, policy, seed
  localparam logic [NumDuts*32-1:0]  CfgArrays = {32'd1, 32'd2, 32'd4, 32'd2, 32'd2};
  localparam logic [NumDuts*128-1:0] CfgEntries = {
    {32'd0, 32'd0, 32'd0,  32'd64},    // 4: the defaults (64 x 4, 4K, LRU)
    {32'd0, 32'd0, 32'd16, 32'd1536},  // 3: LRU, skylake-sized STLB 1536 x 12 (4K+2M) + 1G 16 x 4
    {32'd2, 32'd4, 32'd4,  32'd24},    // 2: RANDOM, 4 arrays, 6 ways, direct-mapped 2M
    {32'd0, 32'd0, 32'd8,  32'd12},    // 1: FIFO, 3 ways
    {32'd0, 32'd0, 32'd4,  32'd32}     // 0: PLRU, 4K+2M 8-way + fully associative 1G
  };
  localparam logic [NumDuts*128-1:0] CfgWays = {
    {32'd0, 32'd0, 32'd0, 32'd4},
    {32'd0, 32'd0, 32'd4, 32'd12},
    {32'd2, 32'd4, 32'd1, 32'd6},
    {32'd0, 32'd0, 32'd2, 32'd3},
    {32'd0, 32'd0, 32'd4, 32'd8}
  };
  localparam logic [NumDuts*32-1:0] CfgLevelMask = {
    {8'd0,  8'd0, 8'd0,  8'd1},
    {8'd0,  8'd0, 8'd4,  8'd3},
    {8'd24, 8'd4, 8'd2,  8'd1},
    {8'd0,  8'd0, 8'd14, 8'd1},
    {8'd0,  8'd0, 8'd4,  8'd3}
  };
  // ReplLru, ReplLru, ReplRandom, ReplFifo, ReplPlru (mmu_pkg ints do not concatenate)
  localparam logic [NumDuts*32-1:0] CfgRepl = {32'd0, 32'd0, 32'd3, 32'd2, 32'd1};
  // seed 0 takes the default 0xACE1, as repl_create does
  localparam logic [NumDuts*16-1:0] CfgSeed = {16'hACE1, 16'h1D2C, 16'h0000, 16'h5EED, 16'hACE1};

  for (genvar d = 0; d < NumDuts; d++) begin : g_dut
    mmu_tlb #(
      .NumArrays      (CfgArrays[32*d +: 32]),
      .ArrayEntries   (CfgEntries[128*d +: 128]),
      .ArrayWays      (CfgWays[128*d +: 128]),
      .ArrayLevelMask (CfgLevelMask[32*d +: 32]),
      .Replacement    (CfgRepl[32*d +: 32]),
      .LfsrSeed       (CfgSeed[16*d +: 16]),
      .FillPorts      (FillPorts)
    ) u_tlb (
      .clk_i,
      .rst_ni,
      .lookup_valid_i,
      .lookup_va_i,
      .lookup_asid_i,
      .lookup_hit_o           (lookup_hit_o[d]),
      .lookup_ppn_o           (lookup_ppn_o[d*PaW +: PaW]),
      .lookup_level_o         (lookup_level_o[d*LevelW +: LevelW]),
      .lookup_perm_o          (lookup_perm_o[d*PermW +: PermW]),
      .lookup_entry_asid_o    (lookup_entry_asid_o[d*AsidW +: AsidW]),
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
      .evict_valid_o          (evict_valid_o[d*FillPorts +: FillPorts]),
      .evict_vpn_o            (evict_vpn_o[d*FillPorts*VaW +: FillPorts*VaW]),
      .evict_ppn_o            (evict_ppn_o[d*FillPorts*PaW +: FillPorts*PaW]),
      .evict_asid_o           (evict_asid_o[d*FillPorts*AsidW +: FillPorts*AsidW]),
      .evict_level_o          (evict_level_o[d*FillPorts*LevelW +: FillPorts*LevelW]),
      .evict_perm_o           (evict_perm_o[d*FillPorts*PermW +: FillPorts*PermW])
    );
  end

endmodule
