// mmu_pwc.sv — the page-walk caches (model/include/mmulab/pwc.h), one of
// three designs chosen by Design:
//   PwcSplit   one array per non-leaf level 1..Levels-1 (LevelEntries /
//              LevelWays; 0 entries: that level is not cached), each with
//              its own replacement state and LFSR (mmu_pwc_tc);
//   PwcUnified one array of every non-leaf level, tagged by level, ASID and
//              prefix (mmu_pwc_tc, Entries / Ways);
//   PwcPte     a page-table cache tagged by PTE physical address
//              (mmu_pwc_pte, Entries / Ways, one probe port per walker).
//
// The translation-cache lookup probes every level in the same cycle and
// answers with the deepest (lowest-level) hit; only that entry is touched
// (pwc_lookup). There is one lookup port per walk that may start in a
// cycle; port p is the p-th start in FIFO order. Cycle contract, for every
// design: outputs are combinational on the registered state; at the clock
// edge the lookup touches apply in port order, then
// the probe touches in port order, then the flush and the OS shootdowns
// (sd_valid_i: pwc_flush_va of one ASID per lane), then the fills of port
// 0, 1, ... each applied level 1..MaxLevels-1 ascending (pwc_fill for the
// levels of fill_level_mask_i, then pwc_pte_fill for those of
// fill_pte_mask_i). The stat_*_o counters are pwc_stats after that edge.
module mmu_pwc import mmu_pkg::*; #(
  parameter int unsigned Design = PwcSplit,
  parameter int unsigned Levels = 4,
  // split: entries / ways of level L at [32*L +: 32]; default: the skylake preset
  parameter logic [MaxLevels*32-1:0] LevelEntries = {32'd0, 32'd2, 32'd4, 32'd32, 32'd0},
  parameter logic [MaxLevels*32-1:0] LevelWays    = {32'd1, 32'd2, 32'd4, 32'd4, 32'd1},
  parameter int unsigned Entries = 16,
  parameter int unsigned Ways = 4,
  parameter int unsigned Replacement = ReplLru,
  parameter logic [15:0] LfsrSeed = 16'hACE1,
  parameter int unsigned FillPorts = 1,
  parameter int unsigned ProbePorts = 1,
  parameter int unsigned LookupPorts = 1,
  parameter int unsigned SdLanes = 1,
  parameter int unsigned Shootdowns = 1   // 0: the sd_*_i lanes are ignored
) (
  input  logic clk_i,
  input  logic rst_ni,
  input  logic [LookupPorts-1:0]        lookup_valid_i,
  input  logic [LookupPorts*AsidW-1:0]  lookup_asid_i,
  input  logic [LookupPorts*VaW-1:0]    lookup_va_i,
  output logic [LookupPorts-1:0]        lookup_hit_o,
  output logic [LookupPorts*LevelW-1:0] lookup_level_o,
  output logic [LookupPorts*PaW-1:0]    lookup_table_pa_o,
  output logic [LookupPorts*PermW-1:0]  lookup_perm_o,
  output logic [LookupPorts-1:0]        lookup_global_o,
  input  logic [ProbePorts-1:0]         probe_valid_i,
  input  logic [ProbePorts*PaW-1:0]     probe_pa_i,
  input  logic [ProbePorts*LevelW-1:0]  probe_level_i,
  output logic [ProbePorts-1:0]         probe_hit_o,
  output logic [ProbePorts*PteW-1:0]    probe_data_o,
  input  logic                          flush_valid_i,
  input  logic [1:0]                    flush_op_i,
  input  logic [AsidW-1:0]              flush_asid_i,
  input  logic [VaW-1:0]                flush_va_i,
  input  logic                          flush_include_global_i,
  input  logic                          flush_all_asids_i,
  input  logic [SdLanes-1:0]            sd_valid_i,
  input  logic [SdLanes*AsidW-1:0]      sd_asid_i,
  input  logic [SdLanes*VaW-1:0]        sd_va_i,
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
  // pwc_stats: lookups[L], hits[L], fills[L] at [64*L +: 64]
  output logic [MaxLevels*64-1:0]       stat_lookups_o,
  output logic [MaxLevels*64-1:0]       stat_hits_o,
  output logic [MaxLevels*64-1:0]       stat_fills_o
);

  localparam int unsigned TcLevels = Levels - 1;  // non-leaf levels 1..Levels-1
  localparam int unsigned PteFills = FillPorts * (MaxLevels - 1);

  // per lookup port p and level L (bit p*MaxLevels + L; L = 0 never set):
  // what the translation caches say
  localparam int unsigned PortLevels = LookupPorts * MaxLevels;
  logic [PortLevels-1:0]       level_hit;
  logic [PortLevels*PaW-1:0]   level_table_pa;
  logic [PortLevels*PermW-1:0] level_perm;
  logic [PortLevels-1:0]       level_global;
  logic [PortLevels-1:0]       deepest;  // one-hot per port: the hit it reports and touches
  // what this cycle adds to pwc_stats, per level
  logic [MaxLevels*8-1:0]     lookups_now;
  logic [MaxLevels*8-1:0]     hits_now;
  logic [MaxLevels*8-1:0]     fills_now;

  for (genvar p = 0; p < LookupPorts; p++) begin : g_deepest
    assign deepest[p*MaxLevels +: MaxLevels] = level_hit[p*MaxLevels +: MaxLevels] &
        ~(level_hit[p*MaxLevels +: MaxLevels] - 1'b1);
  end

  always_comb begin
    lookup_hit_o = '0;
    lookup_level_o = '0;
    lookup_table_pa_o = '0;
    lookup_perm_o = '0;
    lookup_global_o = '0;
    for (int unsigned p = 0; p < LookupPorts; p++) begin
      for (int unsigned l = 0; l < MaxLevels; l++) begin
        if (lookup_valid_i[p] && deepest[p*MaxLevels + l]) begin
          lookup_hit_o[p] = 1'b1;
          lookup_level_o[p*LevelW +: LevelW] = LevelW'(l);
          lookup_table_pa_o[p*PaW +: PaW] = level_table_pa[(p*MaxLevels + l)*PaW +: PaW];
          lookup_perm_o[p*PermW +: PermW] = level_perm[(p*MaxLevels + l)*PermW +: PermW];
          lookup_global_o[p] = level_global[p*MaxLevels + l];
        end
      end
    end
  end

  // fill port p's walk-cache entry of level l: pwc_fill, or nothing
  function automatic logic tc_fill(logic [FillPorts-1:0] valid, logic [FillPorts*MaxLevels-1:0] mask,
                                   int unsigned p, int unsigned l);
    tc_fill = valid[p] && mask[p*MaxLevels + l];
  endfunction

  if (Design == PwcSplit || Design == PwcUnified) begin : g_tc
    // Split: array l holds level l only. Unified: one array, read port and
    // fill slot i hold level 1 + i.
    localparam int unsigned Arrays = Design == PwcSplit ? TcLevels : 1;
    localparam int unsigned PerArray = Design == PwcSplit ? 1 : TcLevels;

    logic [MaxLevels-1:0] level_cached;  // an array holds this level

    for (genvar a = 0; a < Arrays; a++) begin : g_array
      localparam int unsigned First = 1 + a;
      localparam int unsigned ArrayEntries = Design == PwcSplit ? LevelEntries[32*First +: 32] : Entries;
      localparam int unsigned ArrayWays = Design == PwcSplit ? LevelWays[32*First +: 32] : Ways;
      localparam int unsigned Fills = FillPorts * PerArray;

      if (ArrayEntries != 0) begin : g_cached
        logic [Fills-1:0]       fill_valid;
        logic [Fills*AsidW-1:0] fill_asid;
        logic [Fills*VaW-1:0]   fill_va;
        logic [Fills*PaW-1:0]   fill_table_pa;
        logic [Fills*PermW-1:0] fill_perm;
        logic [Fills-1:0]       fill_global;

        for (genvar p = 0; p < FillPorts; p++) begin : g_port
          for (genvar i = 0; i < PerArray; i++) begin : g_slot
            localparam int unsigned K = p * PerArray + i;
            localparam int unsigned L = First + i;
            assign fill_valid[K] = tc_fill(fill_valid_i, fill_level_mask_i, p, L);
            assign fill_asid[K*AsidW +: AsidW] = fill_asid_i[p*AsidW +: AsidW];
            assign fill_va[K*VaW +: VaW] = fill_va_i[p*VaW +: VaW];
            assign fill_table_pa[K*PaW +: PaW] = fill_table_i[(p*MaxLevels + L)*PaW +: PaW];
            assign fill_perm[K*PermW +: PermW] = fill_perm_i[(p*MaxLevels + L)*PermW +: PermW];
            assign fill_global[K] = fill_global_mask_i[p*MaxLevels + L];
          end
        end

        // the array's reads, lookup port major
        logic [LookupPorts*PerArray-1:0]       rd_hit, rd_global, rd_touch;
        logic [LookupPorts*PerArray*PaW-1:0]   rd_table_pa;
        logic [LookupPorts*PerArray*PermW-1:0] rd_perm;

        for (genvar p = 0; p < LookupPorts; p++) begin : g_read
          localparam int unsigned B = p * MaxLevels + First;
          assign level_hit[B +: PerArray] = rd_hit[p*PerArray +: PerArray];
          assign level_global[B +: PerArray] = rd_global[p*PerArray +: PerArray];
          assign level_table_pa[B*PaW +: PerArray*PaW] = rd_table_pa[p*PerArray*PaW +: PerArray*PaW];
          assign level_perm[B*PermW +: PerArray*PermW] = rd_perm[p*PerArray*PermW +: PerArray*PermW];
          assign rd_touch[p*PerArray +: PerArray] = deepest[B +: PerArray] & {PerArray{lookup_valid_i[p]}};
        end

        mmu_pwc_tc #(
          .Entries     (ArrayEntries),
          .Ways        (ArrayWays),
          .Replacement (Replacement),
          .LfsrSeed    (LfsrSeed),
          .FirstLevel  (First),
          .NumLevels   (PerArray),
          .FillPorts   (FillPorts),
          .LookupPorts (LookupPorts),
          .SdLanes     (SdLanes),
          .Shootdowns  (Shootdowns)
        ) u_tc (
          .clk_i,
          .rst_ni,
          .lookup_asid_i,
          .lookup_va_i,
          .lookup_hit_o           (rd_hit),
          .lookup_table_pa_o      (rd_table_pa),
          .lookup_perm_o          (rd_perm),
          .lookup_global_o        (rd_global),
          .touch_i                (rd_touch),
          .flush_valid_i,
          .flush_op_i,
          .flush_asid_i,
          .flush_va_i,
          .flush_include_global_i,
          .flush_all_asids_i,
          .sd_valid_i,
          .sd_asid_i,
          .sd_va_i,
          .fill_valid_i           (fill_valid),
          .fill_asid_i            (fill_asid),
          .fill_va_i              (fill_va),
          .fill_table_pa_i        (fill_table_pa),
          .fill_perm_i            (fill_perm),
          .fill_global_i          (fill_global)
        );
        assign level_cached[First +: PerArray] = '1;
      end else begin : g_uncached
        for (genvar p = 0; p < LookupPorts; p++) begin : g_read
          localparam int unsigned B = p * MaxLevels + First;
          assign level_hit[B +: PerArray] = '0;
          assign level_table_pa[B*PaW +: PerArray*PaW] = '0;
          assign level_perm[B*PermW +: PerArray*PermW] = '0;
          assign level_global[B +: PerArray] = '0;
        end
        assign level_cached[First +: PerArray] = '0;
      end
    end

    // level 0 is a leaf, levels from Levels up do not exist in the format
    for (genvar l = 0; l < MaxLevels; l++) begin : g_other_level
      if (l == 0 || l >= Levels) begin : g_none
        for (genvar p = 0; p < LookupPorts; p++) begin : g_read
          assign level_hit[p*MaxLevels + l] = 1'b0;
          assign level_table_pa[(p*MaxLevels + l)*PaW +: PaW] = '0;
          assign level_perm[(p*MaxLevels + l)*PermW +: PermW] = '0;
          assign level_global[p*MaxLevels + l] = 1'b0;
        end
        assign level_cached[l] = 1'b0;
      end
    end

    always_comb begin
      lookups_now = '0;
      hits_now = '0;
      fills_now = '0;
      for (int unsigned l = 1; l < MaxLevels; l++) begin
        if (level_cached[l]) begin
          for (int unsigned p = 0; p < FillPorts; p++) begin
            if (tc_fill(fill_valid_i, fill_level_mask_i, p, l)) fills_now[l*8 +: 8] += 8'd1;
          end
          // split: every configured level counts the lookup; unified: lookups[0]
          for (int unsigned p = 0; p < LookupPorts; p++) begin
            if (lookup_valid_i[p] && Design == PwcSplit) lookups_now[l*8 +: 8] += 8'd1;
            if (lookup_valid_i[p] && deepest[p*MaxLevels + l]) hits_now[l*8 +: 8] += 8'd1;
          end
        end
      end
      for (int unsigned p = 0; p < LookupPorts; p++) begin
        if (lookup_valid_i[p] && Design == PwcUnified && level_cached != '0) lookups_now[7:0] += 8'd1;
      end
    end

    assign probe_hit_o = '0;
    assign probe_data_o = '0;

    // The translation caches take no probes or page-table-cache fills, and
    // level 0 and the levels the format lacks carry no entries.
    logic unused_tc_inputs;
    assign unused_tc_inputs = ^{probe_valid_i, probe_pa_i, probe_level_i,
                                fill_pte_mask_i, fill_pte_pa_i, fill_pte_val_i, fill_level_mask_i,
                                fill_table_i, fill_perm_i, fill_global_mask_i};
  end else if (Design == PwcPte && Entries != 0) begin : g_pte
    logic [ProbePorts-1:0]   probe_valid;
    logic [PteFills-1:0]     fill_valid;
    logic [PteFills*PaW-1:0] fill_pa;
    logic [PteFills*PteW-1:0] fill_pte;

    // pwc_pte_lookup answers nothing for a level beyond the last one
    for (genvar p = 0; p < ProbePorts; p++) begin : g_probe
      assign probe_valid[p] = probe_valid_i[p] && probe_level_i[p*LevelW +: LevelW] < LevelW'(MaxLevels);
    end

    for (genvar p = 0; p < FillPorts; p++) begin : g_port
      for (genvar l = 1; l < MaxLevels; l++) begin : g_level
        localparam int unsigned K = p * (MaxLevels - 1) + l - 1;
        assign fill_valid[K] = fill_valid_i[p] && fill_pte_mask_i[p*MaxLevels + l];
        assign fill_pa[K*PaW +: PaW] = fill_pte_pa_i[(p*MaxLevels + l)*PaW +: PaW];
        assign fill_pte[K*PteW +: PteW] = fill_pte_val_i[(p*MaxLevels + l)*PteW +: PteW];
      end
    end

    mmu_pwc_pte #(
      .Entries     (Entries),
      .Ways        (Ways),
      .Replacement (Replacement),
      .LfsrSeed    (LfsrSeed),
      .ProbePorts  (ProbePorts),
      .Fills       (PteFills)
    ) u_pte (
      .clk_i,
      .rst_ni,
      .probe_valid_i (probe_valid),
      .probe_pa_i,
      .probe_hit_o,
      .probe_data_o,
      // a shootdown is pwc_flush_va, which drops the whole page-table cache
      .flush_i       ((flush_valid_i && flush_op_i != PwcFlushNone) || (Shootdowns != 0 && sd_valid_i != '0)),
      .fill_valid_i  (fill_valid),
      .fill_pa_i     (fill_pa),
      .fill_pte_i    (fill_pte)
    );

    always_comb begin
      lookups_now = '0;
      hits_now = '0;
      fills_now = '0;
      for (int unsigned p = 0; p < ProbePorts; p++) begin
        if (probe_valid[p]) begin
          lookups_now[7:0] += 8'd1;
          if (probe_hit_o[p]) hits_now[32'(probe_level_i[p*LevelW +: LevelW])*8 +: 8] += 8'd1;
        end
      end
      for (int unsigned k = 0; k < PteFills; k++) begin
        if (fill_valid[k]) fills_now[(1 + k % (MaxLevels - 1))*8 +: 8] += 8'd1;
      end
    end

    assign level_hit = '0;
    assign level_table_pa = '0;
    assign level_perm = '0;
    assign level_global = '0;

    // The page-table cache is not looked up by VA and takes no translation
    // fills; its flushes drop everything, whatever the ASID or VA.
    logic unused_pte_inputs;
    assign unused_pte_inputs = ^{lookup_valid_i, lookup_asid_i, lookup_va_i, flush_asid_i, flush_va_i,
                                 flush_include_global_i, flush_all_asids_i, fill_asid_i, fill_va_i,
                                 fill_level_mask_i, fill_table_i, fill_perm_i, fill_global_mask_i,
                                 fill_pte_mask_i, fill_pte_pa_i, fill_pte_val_i, deepest, sd_asid_i,
                                 sd_va_i};
  end else begin : g_none
    assign probe_hit_o = '0;
    assign probe_data_o = '0;
    assign level_hit = '0;
    assign level_table_pa = '0;
    assign level_perm = '0;
    assign level_global = '0;
    assign lookups_now = '0;
    assign hits_now = '0;
    assign fills_now = '0;
    logic unused_inputs;
    assign unused_inputs = ^{lookup_valid_i, lookup_asid_i, lookup_va_i, probe_valid_i, probe_pa_i,
                             probe_level_i, flush_valid_i, flush_op_i, flush_asid_i, flush_va_i,
                             flush_include_global_i, flush_all_asids_i,
                             fill_valid_i, fill_asid_i, fill_va_i, fill_level_mask_i, fill_table_i,
                             fill_perm_i, fill_global_mask_i, fill_pte_mask_i, fill_pte_pa_i,
                             fill_pte_val_i, deepest, sd_valid_i, sd_asid_i, sd_va_i};
  end

  // ------------------------------------------------------------- pwc_stats
  logic [MaxLevels*64-1:0] lookups_q, lookups_d;
  logic [MaxLevels*64-1:0] hits_q, hits_d;
  logic [MaxLevels*64-1:0] fills_q, fills_d;

  always_comb begin
    for (int unsigned l = 0; l < MaxLevels; l++) begin
      lookups_d[l*64 +: 64] = lookups_q[l*64 +: 64] + 64'(lookups_now[l*8 +: 8]);
      hits_d[l*64 +: 64] = hits_q[l*64 +: 64] + 64'(hits_now[l*8 +: 8]);
      fills_d[l*64 +: 64] = fills_q[l*64 +: 64] + 64'(fills_now[l*8 +: 8]);
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      lookups_q <= '0;
      hits_q <= '0;
      fills_q <= '0;
    end else begin
      lookups_q <= lookups_d;
      hits_q <= hits_d;
      fills_q <= fills_d;
    end
  end

  assign stat_lookups_o = lookups_q;
  assign stat_hits_o = hits_q;
  assign stat_fills_o = fills_q;

endmodule
