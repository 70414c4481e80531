// mmu_pwc_repl.sv — replacement state of one walk-cache array (Sets x Ways)
// and the choice of the way each fill of a cycle writes, bit for bit the
// rules of model/src/tlb/repl.c as the walk caches use them
// (model/src/pwc/pwc_lookup.c write_way):
//
//   * a fill rewrites in place the lowest way whose entry it matches, else
//     takes the lowest invalid way, else asks the policy for a victim;
//   * LRU / FIFO: the C model stamps ways with a counter and evicts the
//     smallest stamp. Every valid way of a walk cache was filled, so valid
//     stamps are distinct and only their order matters: each set keeps a
//     rank per way (0 oldest .. Ways-1 newest), a permutation of 0..Ways-1.
//     The victim is looked for only when every way is valid, and refilling
//     an invalid way makes it the newest, so invalidation (which zeroes a
//     C stamp) need not touch the ranks. LRU promotes on touch and fill,
//     FIFO on fill only;
//   * PLRU: Ways-1 node bits per set in heap order, node n's children are
//     2n+1 (lower half) and 2n+2 (upper half), a bit of 1 sends the victim
//     search to the upper half; a touch or fill points the nodes on the
//     way's path at the other half; invalidation changes nothing;
//   * RANDOM: victim = lfsr % Ways, then one Galois step (taps 0xB400),
//     only when the victim is chosen among valid ways.
//
// At a clock edge the touches apply first, in port order, then the fills,
// in slot order. A fill's way depends on the fills before it in the same
// cycle (they may fill the same set), so the owner of the entries reports
// for each fill what it knows from the registered entries alone — the
// valid ways of its set after this cycle's flush and the ways it would
// rewrite in place — plus, for each earlier fill, whether it would rewrite
// that fill's entry; this module chains the fills and returns their ways.
module mmu_pwc_repl import mmu_pkg::*; #(
  parameter int unsigned Sets        = 4,
  parameter int unsigned Ways        = 4,
  parameter int unsigned Replacement = ReplLru,
  parameter logic [15:0] LfsrSeed    = 16'hACE1,
  parameter int unsigned Touches     = 1,
  parameter int unsigned Fills       = 1,
  // derived, do not override
  parameter int unsigned SetW        = Sets > 1 ? $clog2(Sets) : 1,
  parameter int unsigned WayW        = Ways > 1 ? $clog2(Ways) : 1
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,
  // hits to promote, applied first at the edge, port 0 first
  input  logic [Touches-1:0]      touch_valid_i,
  input  logic [Touches*SetW-1:0] touch_set_i,
  input  logic [Touches*WayW-1:0] touch_way_i,
  // fills of this cycle, applied after the touches, slot 0 first
  input  logic [Fills-1:0]        fill_valid_i,
  input  logic [Fills*SetW-1:0]   fill_set_i,
  // valid ways of the fill's set after this cycle's flush, before any fill
  input  logic [Fills*Ways-1:0]   fill_valid_ways_i,
  // ways of that set whose entry (as registered) the fill rewrites in place
  input  logic [Fills*Ways-1:0]   fill_match_ways_i,
  // bit k*Fills+j (j < k): fill k rewrites in place the entry fill j writes
  input  logic [Fills*Fills-1:0]  fill_rewrites_i,
  output logic [Fills*WayW-1:0]   fill_way_o
);

  localparam int unsigned Depth = Ways > 1 ? $clog2(Ways) : 0;  // PLRU tree depth
  localparam int unsigned NodeW = Ways > 1 ? Ways - 1 : 1;
  localparam int unsigned RankW = Ways * WayW;
  localparam logic [15:0] Seed  = LfsrSeed != 16'h0 ? LfsrSeed : 16'hACE1;  // repl_create
  localparam logic [WayW-1:0] Newest = WayW'(Ways - 1);
  localparam bit Ranked = Replacement == ReplLru || Replacement == ReplFifo;

  // Only the state of the configured policy ever changes; the others stay
  // at their reset value and synthesis removes them.
  logic [Sets*RankW-1:0] rank_q, rank_d;  // set s at [s*RankW +: RankW]
  logic [Sets*NodeW-1:0] tree_q, tree_d;  // set s at [s*NodeW +: NodeW]
  logic [15:0]           lfsr_q, lfsr_d;

  // way w starts at rank w: any permutation would do, every way is filled
  // before the ranks choose a victim
  function automatic logic [RankW-1:0] ranks_at_reset();
    ranks_at_reset = '0;
    for (int unsigned w = 0; w < Ways; w++) ranks_at_reset[w*WayW +: WayW] = WayW'(w);
  endfunction
  localparam logic [RankW-1:0] RanksAtReset = ranks_at_reset();

  // way becomes the newest; the ways newer than it move down one rank
  function automatic logic [RankW-1:0] rank_promote(logic [RankW-1:0] ranks, logic [WayW-1:0] way);
    logic [WayW-1:0] mine;
    mine = ranks[way*WayW +: WayW];
    rank_promote = ranks;
    for (int unsigned w = 0; w < Ways; w++) begin
      if (ranks[w*WayW +: WayW] > mine) begin
        rank_promote[w*WayW +: WayW] = ranks[w*WayW +: WayW] - 1'b1;
      end
    end
    rank_promote[way*WayW +: WayW] = Newest;
  endfunction

  function automatic logic [WayW-1:0] rank_oldest(logic [RankW-1:0] ranks);
    rank_oldest = '0;
    for (int unsigned w = 0; w < Ways; w++) begin
      if (ranks[w*WayW +: WayW] == '0) rank_oldest = WayW'(w);
    end
  endfunction

  function automatic logic [NodeW-1:0] plru_point_away(logic [NodeW-1:0] tree, logic [WayW-1:0] way);
    int unsigned node;
    node = 0;
    plru_point_away = tree;
    for (int unsigned level = Depth; level > 0; level--) begin
      plru_point_away[node] = ~way[level-1];
      node = 2 * node + 1 + 32'(way[level-1]);
    end
  endfunction

  function automatic logic [WayW-1:0] plru_victim(logic [NodeW-1:0] tree);
    int unsigned node;
    node = 0;
    plru_victim = '0;
    for (int unsigned level = Depth; level > 0; level--) begin
      plru_victim[level-1] = tree[node];
      node = 2 * node + 1 + 32'(tree[node]);
    end
  endfunction

  function automatic logic [WayW-1:0] lowest_way(logic [Ways-1:0] ways);
    lowest_way = '0;
    for (int w = Ways - 1; w >= 0; w--) begin
      if (ways[w]) lowest_way = WayW'(w);
    end
  endfunction

  always_comb begin
    logic [SetW-1:0] set;
    logic [WayW-1:0] way;
    logic [Ways-1:0] valid_ways;
    logic [Ways-1:0] match_ways;
    set = '0;
    way = '0;
    valid_ways = '0;
    match_ways = '0;
    rank_d = rank_q;
    tree_d = tree_q;
    lfsr_d = lfsr_q;
    fill_way_o = '0;

    for (int unsigned t = 0; t < Touches; t++) begin
      if (touch_valid_i[t]) begin
        set = touch_set_i[t*SetW +: SetW];
        way = touch_way_i[t*WayW +: WayW];
        if (Replacement == ReplLru) begin
          rank_d[set*RankW +: RankW] = rank_promote(rank_d[set*RankW +: RankW], way);
        end
        if (Replacement == ReplPlru) begin
          tree_d[set*NodeW +: NodeW] = plru_point_away(tree_d[set*NodeW +: NodeW], way);
        end
      end
    end

    for (int unsigned k = 0; k < Fills; k++) begin
      if (fill_valid_i[k]) begin
        set = fill_set_i[k*SetW +: SetW];
        valid_ways = fill_valid_ways_i[k*Ways +: Ways];
        match_ways = fill_match_ways_i[k*Ways +: Ways];
        // what the earlier fills of this cycle left in the set
        for (int unsigned j = 0; j < Fills; j++) begin
          if (j < k && fill_valid_i[j] && fill_set_i[j*SetW +: SetW] == set) begin
            valid_ways[fill_way_o[j*WayW +: WayW]] = 1'b1;
            match_ways[fill_way_o[j*WayW +: WayW]] = fill_rewrites_i[k*Fills + j];
          end
        end
        if (match_ways != '0) begin
          way = lowest_way(match_ways);
        end else if (valid_ways != {Ways{1'b1}}) begin
          way = lowest_way(~valid_ways);
        end else if (Replacement == ReplPlru) begin
          way = plru_victim(tree_d[set*NodeW +: NodeW]);
        end else if (Replacement == ReplRandom) begin
          way = WayW'(32'(lfsr_d) % Ways);
          lfsr_d = {1'b0, lfsr_d[15:1]} ^ (lfsr_d[0] ? ReplLfsrTaps : 16'h0);
        end else begin
          way = rank_oldest(rank_d[set*RankW +: RankW]);
        end
        fill_way_o[k*WayW +: WayW] = way;
        if (Ranked) begin
          rank_d[set*RankW +: RankW] = rank_promote(rank_d[set*RankW +: RankW], way);
        end
        if (Replacement == ReplPlru) begin
          tree_d[set*NodeW +: NodeW] = plru_point_away(tree_d[set*NodeW +: NodeW], way);
        end
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rank_q <= {Sets{RanksAtReset}};
      tree_q <= '0;
      lfsr_q <= Seed;
    end else begin
      rank_q <= rank_d;
      tree_q <= tree_d;
      lfsr_q <= lfsr_d;
    end
  end

endmodule
