// tb_pwc.sv — every walk-cache configuration test_rtl_pwc checks, driven by
// one shared set of inputs (one verilated model instead of one per
// configuration). Configuration n answers on slice n of each output; its
// parameters are the row n of the tables below, which test_pwc.cc repeats
// as pwc_config values (kConfigs).
module tb_pwc import mmu_pkg::*; #(
  parameter int unsigned FillPorts  = 2,
  parameter int unsigned ProbePorts = 2,
  parameter int unsigned Configs    = 18  // rows of the tables below, do not override
) (
  input  logic clk_i,
  input  logic rst_ni,
  input  logic                          lookup_valid_i,
  input  logic [AsidW-1:0]              lookup_asid_i,
  input  logic [VaW-1:0]                lookup_va_i,
  output logic [Configs-1:0]            lookup_hit_o,
  output logic [Configs*LevelW-1:0]     lookup_level_o,
  output logic [Configs*PaW-1:0]        lookup_table_pa_o,
  output logic [Configs*PermW-1:0]      lookup_perm_o,
  output logic [Configs-1:0]            lookup_global_o,
  input  logic [ProbePorts-1:0]         probe_valid_i,
  input  logic [ProbePorts*PaW-1:0]     probe_pa_i,
  input  logic [ProbePorts*LevelW-1:0]  probe_level_i,
  output logic [Configs*ProbePorts-1:0] probe_hit_o,
  output logic [Configs*ProbePorts*PteW-1:0] probe_data_o,
  input  logic                          flush_valid_i,
  input  logic [1:0]                    flush_op_i,
  input  logic [AsidW-1:0]              flush_asid_i,
  input  logic [VaW-1:0]                flush_va_i,
  // one OS shootdown lane (sd_*_i of the block)
  input  logic                                sd_valid_i,
  input  logic [AsidW-1:0]                    sd_asid_i,
  input  logic [VaW-1:0]                      sd_va_i,
  input  logic                          flush_include_global_i,
  input  logic                          flush_all_asids_i,
  input  logic [FillPorts-1:0]          fill_valid_i,
  input  logic [FillPorts*AsidW-1:0]    fill_asid_i,
  input  logic [FillPorts*VaW-1:0]      fill_va_i,
  input  logic [FillPorts*MaxLevels-1:0] fill_level_mask_i,
  input  logic [FillPorts*MaxLevels*PaW-1:0] fill_table_i,
  input  logic [FillPorts*MaxLevels*PermW-1:0] fill_perm_i,
  input  logic [FillPorts*MaxLevels-1:0] fill_global_mask_i,
  input  logic [FillPorts*MaxLevels-1:0] fill_pte_mask_i,
  input  logic [FillPorts*MaxLevels*PaW-1:0] fill_pte_pa_i,
  input  logic [FillPorts*MaxLevels*PteW-1:0] fill_pte_val_i,
  output logic [Configs*MaxLevels*64-1:0] stat_lookups_o,
  output logic [Configs*MaxLevels*64-1:0] stat_hits_o,
  output logic [Configs*MaxLevels*64-1:0] stat_fills_o
);

  // rows 0-3 split, 4-7 unified, 8-11 pte, each LRU, PLRU, FIFO, RANDOM, on
  // small arrays so that sets overflow often; 12 none; 13 unified 5-level;
  // 14-17 the presets skylake, champsim, rocket-sv39, zen2
  localparam int unsigned DesignOf [Configs] = '{1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 0, 2, 1, 1, 3, 3};
  localparam int unsigned ReplOf   [Configs] = '{0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 3, 0, 0, 1, 0};
  localparam int unsigned LevelsOf [Configs] = '{4, 4, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 4, 5, 3, 4};
  localparam int unsigned EntriesOf[Configs] = '{0, 0, 0, 0, 6, 8, 6, 8, 12, 8, 6, 8, 0, 8, 0, 0, 8, 64};
  localparam int unsigned WaysOf   [Configs] = '{1, 1, 1, 1, 3, 4, 3, 2, 3, 4, 6, 2, 1, 2, 1, 1, 8, 4};
  localparam logic [15:0] SeedOf   [Configs] = '{16'hACE1, 16'hACE1, 16'hACE1, 16'h0,
                                                 16'hACE1, 16'hACE1, 16'hACE1, 16'h1234,
                                                 16'hACE1, 16'hACE1, 16'hACE1, 16'hBEEF,
                                                 16'hACE1, 16'h0001, 16'hACE1, 16'hACE1, 16'hACE1, 16'hACE1};
  // split geometry, level L at [32*L +: 32]
  localparam logic [MaxLevels*32-1:0] LevelEntriesOf [Configs] = '{
    {32'd0, 32'd2, 32'd4, 32'd8, 32'd0}, {32'd0, 32'd2, 32'd4, 32'd8, 32'd0},
    {32'd0, 32'd0, 32'd4, 32'd8, 32'd0}, {32'd0, 32'd2, 32'd0, 32'd6, 32'd0},
    '0, '0, '0, '0, '0, '0, '0, '0, '0, '0,
    {32'd0, 32'd2, 32'd4, 32'd32, 32'd0}, {32'd2, 32'd4, 32'd8, 32'd32, 32'd0}, '0, '0};
  localparam logic [MaxLevels*32-1:0] LevelWaysOf [Configs] = '{
    {32'd1, 32'd2, 32'd2, 32'd2, 32'd1}, {32'd1, 32'd2, 32'd4, 32'd4, 32'd1},
    {32'd1, 32'd1, 32'd4, 32'd2, 32'd1}, {32'd1, 32'd1, 32'd1, 32'd3, 32'd1},
    '0, '0, '0, '0, '0, '0, '0, '0, '0, '0,
    {32'd1, 32'd2, 32'd4, 32'd4, 32'd1}, {32'd2, 32'd4, 32'd4, 32'd8, 32'd1}, '0, '0};

  for (genvar n = 0; n < Configs; n++) begin : g_config
    mmu_pwc #(
      .Design       (DesignOf[n]),
      .Levels       (LevelsOf[n]),
      .LevelEntries (LevelEntriesOf[n]),
      .LevelWays    (LevelWaysOf[n]),
      .Entries      (EntriesOf[n]),
      .Ways         (WaysOf[n]),
      .Replacement  (ReplOf[n]),
      .LfsrSeed     (SeedOf[n]),
      .FillPorts    (FillPorts),
      .ProbePorts   (ProbePorts)
    ) u_pwc (
      .clk_i,
      .rst_ni,
      .lookup_valid_i,
      .lookup_asid_i,
      .lookup_va_i,
      .lookup_hit_o           (lookup_hit_o[n]),
      .lookup_level_o         (lookup_level_o[n*LevelW +: LevelW]),
      .lookup_table_pa_o      (lookup_table_pa_o[n*PaW +: PaW]),
      .lookup_perm_o          (lookup_perm_o[n*PermW +: PermW]),
      .lookup_global_o        (lookup_global_o[n]),
      .probe_valid_i,
      .probe_pa_i,
      .probe_level_i,
      .probe_hit_o            (probe_hit_o[n*ProbePorts +: ProbePorts]),
      .probe_data_o           (probe_data_o[n*ProbePorts*PteW +: ProbePorts*PteW]),
      .flush_valid_i,
      .flush_op_i,
      .flush_asid_i,
      .flush_va_i,
      .flush_include_global_i,
      .flush_all_asids_i,
      .sd_valid_i,
      .sd_asid_i,
      .sd_va_i,
      .fill_valid_i,
      .fill_asid_i,
      .fill_va_i,
      .fill_level_mask_i,
      .fill_table_i,
      .fill_perm_i,
      .fill_global_mask_i,
      .fill_pte_mask_i,
      .fill_pte_pa_i,
      .fill_pte_val_i,
      .stat_lookups_o         (stat_lookups_o[n*MaxLevels*64 +: MaxLevels*64]),
      .stat_hits_o            (stat_hits_o[n*MaxLevels*64 +: MaxLevels*64]),
      .stat_fills_o           (stat_fills_o[n*MaxLevels*64 +: MaxLevels*64])
    );
  end

endmodule
