// mmu_pwc_pte.sv — the page-table cache of the walk caches
// (model/src/pwc/pwc_lookup.c pwc_pte_lookup / pwc_pte_fill, pwc_flush.c):
// one set-associative array tagged by the physical address of a non-leaf
// PTE, holding the PTE word, in set (pa >> 3) % Sets. Nothing in an entry
// names an address space, so every flush drops every entry.
//
// One probe port per walker: each walker probes at its own cycles, on the
// cache as it is then (docs/timing.md, step 5). Probes are combinational on
// the registered state. At the clock edge: the probe hits become most
// recently used in port order (walker order, as the model takes a cycle's
// probes); the flush drops every entry; then the fills, in slot order.
module mmu_pwc_pte import mmu_pkg::*; #(
  parameter int unsigned Entries     = 8,
  parameter int unsigned Ways        = 8,
  parameter int unsigned Replacement = ReplPlru,
  parameter logic [15:0] LfsrSeed    = 16'hACE1,
  parameter int unsigned ProbePorts  = 1,
  parameter int unsigned Fills       = 1
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  input  logic [ProbePorts-1:0]     probe_valid_i,
  input  logic [ProbePorts*PaW-1:0] probe_pa_i,
  output logic [ProbePorts-1:0]     probe_hit_o,
  output logic [ProbePorts*PteW-1:0] probe_data_o,
  input  logic                      flush_i,
  input  logic [Fills-1:0]          fill_valid_i,
  input  logic [Fills*PaW-1:0]      fill_pa_i,
  input  logic [Fills*PteW-1:0]     fill_pte_i
);

  localparam int unsigned Sets   = Entries / Ways;
  localparam int unsigned SetW   = Sets > 1 ? $clog2(Sets) : 1;
  localparam int unsigned WayW   = Ways > 1 ? $clog2(Ways) : 1;
  localparam int unsigned EntryW = Entries > 1 ? $clog2(Entries) : 1;

  logic [Entries-1:0] valid_q, valid_d;
  // the payload, entry set * Ways + way: a RAM written through the fill
  // ports (as mmu_tlb_array does) rather than registers with a whole-array
  // next state, whose copy every cycle cost Verilator more than half its time
  logic [PaW-1:0]     tag_mem [Entries];
  logic [PteW-1:0]    pte_mem [Entries];

  // set (pa >> 3) % Sets (no index bits with one set)
  function automatic logic [SetW-1:0] set_of(logic [SetW-1:0] pa_low);
    set_of = pa_low & SetW'(Sets - 1);
  endfunction

  function automatic logic [EntryW-1:0] entry_at(logic [SetW-1:0] set, int unsigned way);
    entry_at = EntryW'(32'(set) * Ways + way);
  endfunction

  // ----------------------------------------------------------------- probes
  logic [ProbePorts*SetW-1:0] probe_set;
  logic [ProbePorts*WayW-1:0] probe_way;

  always_comb begin
    logic [PaW-1:0] pa;
    logic [SetW-1:0] set;
    logic [EntryW-1:0] e;
    pa = '0;
    set = '0;
    e = '0;
    probe_hit_o = '0;
    probe_data_o = '0;
    probe_set = '0;
    probe_way = '0;
    for (int unsigned p = 0; p < ProbePorts; p++) begin
      pa = probe_pa_i[p*PaW +: PaW];
      set = set_of(pa[3 +: SetW]);
      probe_set[p*SetW +: SetW] = set;
      for (int w = Ways - 1; w >= 0; w--) begin
        e = entry_at(set, w);
        if (probe_valid_i[p] && valid_q[e] && tag_mem[e] == pa) begin
          probe_hit_o[p] = 1'b1;
          probe_way[p*WayW +: WayW] = WayW'(w);
          probe_data_o[p*PteW +: PteW] = pte_mem[e];
        end
      end
    end
  end

  // ------------------------------------------------------------------ flush
  logic [Entries-1:0] valid_kept;
  assign valid_kept = flush_i ? '0 : valid_q;

  // ------------------------------------------------------------------ fills
  logic [Fills*SetW-1:0]  fill_set;
  logic [Fills*Ways-1:0]  fill_valid_ways;
  logic [Fills*Ways-1:0]  fill_match_ways;
  logic [Fills*Fills-1:0] fill_rewrites;
  logic [Fills*WayW-1:0]  fill_way;

  always_comb begin
    logic [PaW-1:0] pa;
    logic [SetW-1:0] set;
    logic [EntryW-1:0] e;
    pa = '0;
    set = '0;
    e = '0;
    fill_set = '0;
    fill_valid_ways = '0;
    fill_match_ways = '0;
    fill_rewrites = '0;
    for (int unsigned k = 0; k < Fills; k++) begin
      pa = fill_pa_i[k*PaW +: PaW];
      set = set_of(pa[3 +: SetW]);
      fill_set[k*SetW +: SetW] = set;
      if (fill_valid_i[k]) begin
        for (int unsigned w = 0; w < Ways; w++) begin
          e = entry_at(set, w);
          fill_valid_ways[k*Ways + w] = valid_kept[e];
          fill_match_ways[k*Ways + w] = valid_kept[e] && tag_mem[e] == pa;
        end
        for (int unsigned j = 0; j < k; j++) begin
          fill_rewrites[k*Fills + j] = fill_valid_i[j] && fill_pa_i[j*PaW +: PaW] == pa;
        end
      end
    end
  end

  mmu_pwc_repl #(
    .Sets        (Sets),
    .Ways        (Ways),
    .Replacement (Replacement),
    .LfsrSeed    (LfsrSeed),
    .Touches     (ProbePorts),
    .Fills       (Fills)
  ) u_repl (
    .clk_i,
    .rst_ni,
    .touch_valid_i     (probe_hit_o),
    .touch_set_i       (probe_set),
    .touch_way_i       (probe_way),
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
  // the later pwc_pte_fill call does. The payload of an invalid entry is
  // never looked at: no reset.
  always_ff @(posedge clk_i) begin
    for (int unsigned k = 0; k < Fills; k++) begin
      if (fill_valid_i[k]) begin
        tag_mem[fill_entry[k*EntryW +: EntryW]] <= fill_pa_i[k*PaW +: PaW];
        pte_mem[fill_entry[k*EntryW +: EntryW]] <= fill_pte_i[k*PteW +: PteW];
      end
    end
  end

endmodule
