// mmu_pwc_tc.sv — one set-associative translation-cache array of the walk
// caches (model/src/pwc/pwc_lookup.c, pwc_flush.c): the array of one level
// of the split design, or the unified array holding levels
// FirstLevel .. FirstLevel+NumLevels-1. An entry of level L is tagged by
// prefix = va >> (12 + 9 L), sits in set prefix % Sets, and holds the base
// of the level L-1 table, the rights accumulated down to L, and either an
// ASID or the global mark (a global entry answers every ASID).
//
// Reads are combinational on the registered state, one per level and
// lookup port (one port per walk that may start in a cycle). At the clock
// edge: the touches (each lookup's deepest hit, in port order), then the
// flush, then the fills in slot order (slot k = fill port k / NumLevels, level
// FirstLevel + k % NumLevels), each seeing the fills before it.
module mmu_pwc_tc import mmu_pkg::*; #(
  parameter int unsigned Entries     = 16,
  parameter int unsigned Ways        = 4,
  parameter int unsigned Replacement = ReplLru,
  parameter logic [15:0] LfsrSeed    = 16'hACE1,
  parameter int unsigned FirstLevel  = 1,
  parameter int unsigned NumLevels   = 1,
  parameter int unsigned FillPorts   = 1,
  parameter int unsigned LookupPorts = 1,
  parameter int unsigned SdLanes     = 1,
  parameter int unsigned Shootdowns  = 1,  // 0: the sd_*_i lanes are ignored
  // derived, do not override
  parameter int unsigned Fills       = FillPorts * NumLevels
) (
  input  logic                       clk_i,
  input  logic                       rst_ni,
  // lookup port p, read port i (at p*NumLevels + i) looks up level FirstLevel + i
  input  logic [LookupPorts*AsidW-1:0]           lookup_asid_i,
  input  logic [LookupPorts*VaW-1:0]             lookup_va_i,
  output logic [LookupPorts*NumLevels-1:0]       lookup_hit_o,
  output logic [LookupPorts*NumLevels*PaW-1:0]   lookup_table_pa_o,
  output logic [LookupPorts*NumLevels*PermW-1:0] lookup_perm_o,
  output logic [LookupPorts*NumLevels-1:0]       lookup_global_o,
  // per lookup port at most one bit: the level whose hit becomes most recently used
  input  logic [LookupPorts*NumLevels-1:0]       touch_i,
  input  logic                       flush_valid_i,
  input  logic [1:0]                 flush_op_i,
  input  logic [AsidW-1:0]           flush_asid_i,
  input  logic [VaW-1:0]             flush_va_i,
  input  logic                       flush_include_global_i,
  input  logic                       flush_all_asids_i,
  // OS shootdowns (pwc_flush_va of one ASID): lane l drops sd_va_i's
  // non-global entries of sd_asid_i, with the flush
  input  logic [SdLanes-1:0]         sd_valid_i,
  input  logic [SdLanes*AsidW-1:0]   sd_asid_i,
  input  logic [SdLanes*VaW-1:0]     sd_va_i,
  input  logic [Fills-1:0]           fill_valid_i,
  input  logic [Fills*AsidW-1:0]     fill_asid_i,
  input  logic [Fills*VaW-1:0]       fill_va_i,
  input  logic [Fills*PaW-1:0]       fill_table_pa_i,
  input  logic [Fills*PermW-1:0]     fill_perm_i,
  input  logic [Fills-1:0]           fill_global_i
);

  localparam int unsigned Sets   = Entries / Ways;
  localparam int unsigned SetW   = Sets > 1 ? $clog2(Sets) : 1;
  localparam int unsigned WayW   = Ways > 1 ? $clog2(Ways) : 1;
  localparam int unsigned EntryW = Entries > 1 ? $clog2(Entries) : 1;
  localparam int unsigned LvlW   = NumLevels > 1 ? $clog2(NumLevels) : 1;  // level - FirstLevel
  localparam int unsigned TagW   = VaW - (12 + 9 * FirstLevel);  // the widest prefix kept here

  // drop scopes of pwc_flush.c
  localparam logic [1:0] DropAll          = 2'd0;
  localparam logic [1:0] DropAsid         = 2'd1;
  localparam logic [1:0] DropAsidAndGlobal = 2'd2;

  logic [Entries-1:0] valid_q, valid_d;
  // the payload, entry set * Ways + way: a RAM written through the fill
  // ports (as mmu_tlb_array does) rather than registers with a whole-array
  // next state, whose copy every cycle cost Verilator more than half its time
  logic               global_mem   [Entries];
  logic [LvlW-1:0]    lvl_mem      [Entries];  // level - FirstLevel
  logic [TagW-1:0]    tag_mem      [Entries];
  logic [AsidW-1:0]   asid_mem     [Entries];
  logic [PaW-1:0]     table_pa_mem [Entries];
  logic [PermW-1:0]   perm_mem     [Entries];

  function automatic logic [TagW-1:0] prefix_of(logic [VaW-1:0] va, int unsigned lvl);
    prefix_of = TagW'(va >> (12 + 9 * (FirstLevel + lvl)));
  endfunction

  // the set of a prefix: its low bits (no index bits with one set)
  function automatic logic [SetW-1:0] set_of(logic [SetW-1:0] prefix_low);
    set_of = prefix_low & SetW'(Sets - 1);
  endfunction

  function automatic logic [EntryW-1:0] entry_at(logic [SetW-1:0] set, int unsigned way);
    entry_at = EntryW'(32'(set) * Ways + way);
  endfunction

  // ---------------------------------------------------------------- lookups
  localparam int unsigned Reads = LookupPorts * NumLevels;
  logic [Reads*SetW-1:0] hit_set;
  logic [Reads*WayW-1:0] hit_way;

  always_comb begin
    logic [TagW-1:0] prefix;
    logic [SetW-1:0] set;
    logic [EntryW-1:0] e;
    prefix = '0;
    set = '0;
    e = '0;
    lookup_hit_o = '0;
    lookup_table_pa_o = '0;
    lookup_perm_o = '0;
    lookup_global_o = '0;
    hit_set = '0;
    hit_way = '0;
    for (int unsigned r = 0; r < Reads; r++) begin
      prefix = prefix_of(lookup_va_i[(r / NumLevels)*VaW +: VaW], r % NumLevels);
      set = set_of(prefix[SetW-1:0]);
      hit_set[r*SetW +: SetW] = set;
      // the lowest matching way answers (find_translation)
      for (int w = Ways - 1; w >= 0; w--) begin
        e = entry_at(set, w);
        if (valid_q[e] && lvl_mem[e] == LvlW'(r % NumLevels) && tag_mem[e] == prefix &&
            (global_mem[e] || asid_mem[e] == lookup_asid_i[(r / NumLevels)*AsidW +: AsidW])) begin
          lookup_hit_o[r] = 1'b1;
          hit_way[r*WayW +: WayW] = WayW'(w);
          lookup_table_pa_o[r*PaW +: PaW] = table_pa_mem[e];
          lookup_perm_o[r*PermW +: PermW] = perm_mem[e];
          lookup_global_o[r] = global_mem[e];
        end
      end
    end
  end

  logic [LookupPorts*SetW-1:0] touch_set;
  logic [LookupPorts*WayW-1:0] touch_way;
  logic [LookupPorts-1:0]      touch_valid;

  always_comb begin
    touch_valid = '0;
    touch_set = '0;
    touch_way = '0;
    for (int unsigned r = 0; r < Reads; r++) begin
      if (touch_i[r] && lookup_hit_o[r]) begin
        touch_valid[r / NumLevels] = 1'b1;
        touch_set[(r / NumLevels)*SetW +: SetW] = hit_set[r*SetW +: SetW];
        touch_way[(r / NumLevels)*WayW +: WayW] = hit_way[r*WayW +: WayW];
      end
    end
  end

  // ------------------------------------------------------------------ flush
  logic [Entries-1:0] valid_kept;  // valid after this cycle's flush

  function automatic logic in_scope(logic global, logic [AsidW-1:0] asid, logic [1:0] scope,
                                    logic [AsidW-1:0] flush_asid);
    if (scope == DropAll) in_scope = 1'b1;
    else if (global) in_scope = scope == DropAsidAndGlobal;
    else in_scope = asid == flush_asid;
  endfunction

  always_comb begin
    logic [1:0] scope;
    logic drop;
    drop = '0;
    valid_kept = valid_q;
    scope = DropAll;
    if (flush_op_i == PwcFlushAsid) scope = flush_include_global_i ? DropAsidAndGlobal : DropAsid;
    if (flush_op_i == PwcFlushVa) scope = flush_all_asids_i ? DropAll : DropAsid;
    // flushes are rare: they may visit every entry
    if (flush_valid_i && flush_op_i != PwcFlushNone) begin
      for (int unsigned e = 0; e < Entries; e++) begin
        drop = in_scope(global_mem[e], asid_mem[e], scope, flush_asid_i);
        // an entry is in set prefix % Sets, so comparing tags is the same
        // as looking only in flush_va's set of each level
        if (flush_op_i == PwcFlushVa) begin
          drop &= tag_mem[e] == prefix_of(flush_va_i, 32'(lvl_mem[e]));
        end
        if (drop) valid_kept[e] = 1'b0;
      end
    end
    for (int unsigned l = 0; l < (Shootdowns != 0 ? SdLanes : 0); l++) begin
      if (sd_valid_i[l]) begin
        for (int unsigned e = 0; e < Entries; e++) begin
          if (!global_mem[e] && asid_mem[e] == sd_asid_i[l*AsidW +: AsidW] &&
              tag_mem[e] == prefix_of(sd_va_i[l*VaW +: VaW], 32'(lvl_mem[e]))) begin
            valid_kept[e] = 1'b0;
          end
        end
      end
    end
  end

  // ------------------------------------------------------------------ fills
  logic [Fills*SetW-1:0]  fill_set;
  logic [Fills*Ways-1:0]  fill_valid_ways;
  logic [Fills*Ways-1:0]  fill_match_ways;
  logic [Fills*Fills-1:0] fill_rewrites;
  logic [Fills*WayW-1:0]  fill_way;
  logic [Fills*TagW-1:0]  fill_prefix;

  function automatic logic [AsidW-1:0] slot_asid(logic [Fills*AsidW-1:0] asids, int unsigned k);
    slot_asid = asids[k*AsidW +: AsidW];
  endfunction

  // what the registered entries say about each fill (pwc_fill's search)
  always_comb begin
    logic [TagW-1:0] prefix;
    logic [SetW-1:0] set;
    logic global;
    logic [EntryW-1:0] e;
    prefix = '0;
    set = '0;
    global = '0;
    e = '0;
    fill_set = '0;
    fill_valid_ways = '0;
    fill_match_ways = '0;
    fill_rewrites = '0;
    fill_prefix = '0;
    for (int unsigned k = 0; k < Fills; k++) begin
      prefix = prefix_of(fill_va_i[k*VaW +: VaW], k % NumLevels);
      set = set_of(prefix[SetW-1:0]);
      global = fill_global_i[k];
      fill_prefix[k*TagW +: TagW] = prefix;
      fill_set[k*SetW +: SetW] = set;
      if (fill_valid_i[k]) begin
        for (int unsigned w = 0; w < Ways; w++) begin
          e = entry_at(set, w);
          fill_valid_ways[k*Ways + w] = valid_kept[e];
          fill_match_ways[k*Ways + w] = valid_kept[e] && lvl_mem[e] == LvlW'(k % NumLevels) &&
              tag_mem[e] == prefix &&
              (global || global_mem[e] || asid_mem[e] == slot_asid(fill_asid_i, k));
        end
        for (int unsigned j = 0; j < k; j++) begin
          fill_rewrites[k*Fills + j] = fill_valid_i[j] && j % NumLevels == k % NumLevels &&
              fill_prefix[j*TagW +: TagW] == prefix &&
              (global || fill_global_i[j] || slot_asid(fill_asid_i, j) == slot_asid(fill_asid_i, k));
        end
      end
    end
  end

  mmu_pwc_repl #(
    .Sets        (Sets),
    .Ways        (Ways),
    .Replacement (Replacement),
    .LfsrSeed    (LfsrSeed),
    .Touches     (LookupPorts),
    .Fills       (Fills)
  ) u_repl (
    .clk_i,
    .rst_ni,
    .touch_valid_i     (touch_valid),
    .touch_set_i       (touch_set),
    .touch_way_i       (touch_way),
    .fill_valid_i      (fill_valid_i),
    .fill_set_i        (fill_set),
    .fill_valid_ways_i (fill_valid_ways),
    .fill_match_ways_i (fill_match_ways),
    .fill_rewrites_i   (fill_rewrites),
    .fill_way_o        (fill_way)
  );

  // the entry each fill writes
  logic [Fills*EntryW-1:0] fill_entry;

  always_comb begin
    valid_d = valid_kept;
    fill_entry = '0;
    for (int unsigned k = 0; k < Fills; k++) begin
      fill_entry[k*EntryW +: EntryW] = entry_at(fill_set[k*SetW +: SetW],
                                                32'(fill_way[k*WayW +: WayW]));
      if (fill_valid_i[k]) valid_d[fill_entry[k*EntryW +: EntryW]] = 1'b1;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= '0;
    end else begin
      valid_q <= valid_d;
    end
  end

  // RAM write ports in fill order: a later fill of the same entry wins, as
  // the later pwc_fill call does. The payload of an invalid entry is never
  // looked at: no reset.
  always_ff @(posedge clk_i) begin
    for (int unsigned k = 0; k < Fills; k++) begin
      if (fill_valid_i[k]) begin
        global_mem[fill_entry[k*EntryW +: EntryW]] <= fill_global_i[k];
        lvl_mem[fill_entry[k*EntryW +: EntryW]] <= LvlW'(k % NumLevels);
        tag_mem[fill_entry[k*EntryW +: EntryW]] <= fill_prefix[k*TagW +: TagW];
        asid_mem[fill_entry[k*EntryW +: EntryW]] <= slot_asid(fill_asid_i, k);
        table_pa_mem[fill_entry[k*EntryW +: EntryW]] <= fill_table_pa_i[k*PaW +: PaW];
        perm_mem[fill_entry[k*EntryW +: EntryW]] <= fill_perm_i[k*PermW +: PermW];
      end
    end
  end

endmodule
