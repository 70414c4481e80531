// mmu_repl.sv — replacement state of one set-associative array and the way
// every fill of a cycle writes: the rules of model/src/tlb/repl.c plus the
// slot choice of tlb_insert / tlb_invalidate_entry (model/src/tlb/tlb.c,
// tlb_flush.c), so the RTL evicts exactly the entries the C model evicts.
//
// One cycle applies, in this order, the lookup's touch and then the ports
// 0, 1, .., each seeing the effect of the ones before it (valid ways,
// replacement state, LFSR). The caller passes what it knows from its tag
// store at the start of the port sequence (valid ways, ways holding the
// same page) and which ports' entries are the same page; this block
// replays the earlier ports of the same set on top of that, so no signal
// of one port feeds back into another through the tag store.
//
// State per set:
//   LRU, FIFO  a recency rank per way (0 newest .. Ways-1 oldest), a
//              permutation. repl.c keeps per-way stamps of a counter; a
//              victim is only asked for when every way is valid, and every
//              valid way was filled (stamped) since reset, so the way with
//              the oldest stamp is the way of rank Ways-1. Invalidation
//              zeroes a stamp in C; here it changes nothing, which picks the
//              same victims because an invalid way is always taken first.
//   PLRU       Ways-1 node bits in heap order, as in repl.c.
//   RANDOM     nothing per set; one 16-bit Galois LFSR per array.
module mmu_repl import mmu_pkg::*; #(
  parameter int unsigned Sets     = 16,
  parameter int unsigned Ways     = 4,
  parameter int unsigned Policy   = ReplLru,
  parameter logic [15:0] LfsrSeed = 16'hACE1,
  parameter int unsigned Ports    = 2,
  localparam int unsigned SetW = Sets > 1 ? $clog2(Sets) : 1,
  localparam int unsigned WayW = Ways > 1 ? $clog2(Ways) : 1,
  localparam int unsigned SrcW = $clog2(Ports + 1)
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,
  // a lookup hit way touch_way_i of set touch_set_i (repl_touch)
  input  logic                    touch_valid_i,
  input  logic [SetW-1:0]         touch_set_i,
  input  logic [WayW-1:0]         touch_way_i,
  // per port k, at [k*2 +: 2]: 0 none, 1 insert (tlb_insert), 2 invalidate
  // the same page (tlb_invalidate_entry)
  input  logic [Ports*2-1:0]      op_i,
  input  logic [Ports*SetW-1:0]   set_i,
  // the ways of set_i valid before any port of this cycle (flush applied)
  input  logic [Ports*Ways-1:0]   valid_i,
  // the ways of valid_i holding the same page as the port's entry (tlb_same_page)
  input  logic [Ports*Ways-1:0]   same_i,
  // bit k*Ports + j: port j's entry is the same page as port k's
  input  logic [Ports*Ports-1:0]  pair_same_i,
  // an insert writes way_o; when it replaced a valid entry of another page,
  // evict_o is set and evict_src_o says where that entry came from: 0 the
  // tag store, j+1 the entry port j wrote earlier in this cycle
  output logic [Ports*WayW-1:0]   way_o,
  output logic [Ports-1:0]        evict_o,
  output logic [Ports*SrcW-1:0]   evict_src_o,
  // the valid ways of set_i after the port (meaningful when op_i != 0)
  output logic [Ports*Ways-1:0]   valid_o
);

  localparam logic [1:0] OpInsert     = 2'd1;
  localparam logic [1:0] OpInvalidate = 2'd2;

  localparam bit UseRank = (Policy == ReplLru) || (Policy == ReplFifo);
  localparam bit UseTree = Policy == ReplPlru;
  localparam bit UseLfsr = Policy == ReplRandom;
  // repl.c: a touch reorders under LRU and PLRU only
  localparam bit TouchMoves = (Policy == ReplLru) || (Policy == ReplPlru);

  localparam int unsigned RankW      = WayW;
  // signed, so a one-way tree's empty loop is no unsigned compare against 0
  localparam int          Depth      = Ways > 1 ? $clog2(Ways) : 0;
  localparam int unsigned RankStateW = Ways * RankW;
  localparam int unsigned TreeStateW = Ways > 1 ? Ways - 1 : 1;
  localparam int unsigned StateW     = UseRank ? RankStateW : (UseTree ? TreeStateW : 1);
  localparam logic [15:0] Seed       = LfsrSeed != 16'd0 ? LfsrSeed : 16'hACE1;

  // rank w for way w: any permutation is a valid start, since every way is
  // refilled (made newest) before it can be a victim
  function automatic logic [RankStateW-1:0] rank_reset();
    logic [RankStateW-1:0] s;
    for (int unsigned w = 0; w < Ways; w++) begin
      s[w*RankW +: RankW] = RankW'(w);
    end
    rank_reset = s;
  endfunction

  // way becomes the newest; the ways newer than it age by one
  function automatic logic [RankStateW-1:0] rank_promote(logic [RankStateW-1:0] s, logic [WayW-1:0] way);
    logic [RankStateW-1:0] r;
    logic [RankW-1:0] old_rank;
    r = s;
    old_rank = s[way*RankW +: RankW];
    for (int unsigned w = 0; w < Ways; w++) begin
      if (WayW'(w) == way) begin
        r[w*RankW +: RankW] = '0;
      end else if (s[w*RankW +: RankW] < old_rank) begin
        r[w*RankW +: RankW] = s[w*RankW +: RankW] + 1'b1;
      end
    end
    rank_promote = r;
  endfunction

  // the oldest way: rank Ways-1 (the ranks are a permutation)
  function automatic logic [WayW-1:0] rank_victim(logic [RankStateW-1:0] s);
    logic [WayW-1:0] v;
    v = '0;
    for (int unsigned w = 0; w < Ways; w++) begin
      if (s[w*RankW +: RankW] == RankW'(Ways - 1)) begin
        v = WayW'(w);
      end
    end
    rank_victim = v;
  endfunction

  // every node on way's path points at the half that does not hold it
  function automatic logic [TreeStateW-1:0] tree_promote(logic [TreeStateW-1:0] s, logic [WayW-1:0] way);
    logic [TreeStateW-1:0] r;
    int unsigned node;
    r = s;
    node = 0;
    for (int d = 0; d < Depth; d++) begin
      r[node] = ~way[Depth-1-d];
      node = 2 * node + 1 + 32'(way[Depth-1-d]);
    end
    tree_promote = r;
  endfunction

  // follow the node bits from the root
  function automatic logic [WayW-1:0] tree_victim(logic [TreeStateW-1:0] s);
    logic [WayW-1:0] v;
    int unsigned node;
    v = '0;
    node = 0;
    for (int d = 0; d < Depth; d++) begin
      v[Depth-1-d] = s[node];
      node = 2 * node + 1 + 32'(s[node]);
    end
    tree_victim = v;
  endfunction

  function automatic logic [StateW-1:0] reset_state();
    reset_state = UseRank ? StateW'(rank_reset()) : '0;
  endfunction

  // a touch or fill of way (repl_touch_unchecked / repl_fill_unchecked)
  function automatic logic [StateW-1:0] promote(logic [StateW-1:0] s, logic [WayW-1:0] way);
    logic [StateW-1:0] r;
    r = s;
    if (UseRank) begin
      r = StateW'(rank_promote(RankStateW'(s), way));
    end else if (UseTree) begin
      r = StateW'(tree_promote(TreeStateW'(s), way));
    end
    promote = r;
  endfunction

  localparam logic [StateW-1:0] ResetState = reset_state();
  localparam logic [Sets*StateW-1:0] ResetStates = {Sets{ResetState}};

  // repl_victim_full: the policy's choice in a set whose ways are all valid
  function automatic logic [WayW-1:0] policy_victim(logic [StateW-1:0] s, logic [15:0] lfsr);
    logic [WayW-1:0] v;
    v = '0;
    if (UseRank) begin
      v = rank_victim(RankStateW'(s));
    end else if (UseTree) begin
      v = tree_victim(TreeStateW'(s));
    end else if (UseLfsr) begin
      v = WayW'(32'(lfsr) % Ways);
    end
    policy_victim = v;
  endfunction

  // repl_lfsr_next: Galois, shift right, xor the taps when a 1 falls out
  function automatic logic [15:0] lfsr_next(logic [15:0] s);
    lfsr_next = (s >> 1) ^ (s[0] ? ReplLfsrTaps : 16'd0);
  endfunction

  function automatic logic [WayW-1:0] lowest_way(logic [Ways-1:0] ways);
    logic [WayW-1:0] v;
    logic found;
    v = '0;
    found = 1'b0;
    for (int unsigned w = 0; w < Ways; w++) begin
      if (ways[w] && !found) begin
        v = WayW'(w);
        found = 1'b1;
      end
    end
    lowest_way = v;
  endfunction

  logic [Sets*StateW-1:0] state_q, state_d;
  logic [15:0] lfsr_q, lfsr_d;

  // per-port results, also read by later ports of the same always_comb
  logic [Ports*Ways-1:0] port_valid;
  logic [Ports*Ways-1:0] port_write;

  always_comb begin
    logic [SetW-1:0]   set;
    logic [1:0]        op;
    logic [Ways-1:0]   valid;
    logic [Ways-1:0]   same;
    logic [Ways*SrcW-1:0] src;
    logic [StateW-1:0] st;
    logic [WayW-1:0]   way;
    logic              took_victim;

    st          = '0;
    src         = '0;
    state_d     = state_q;
    lfsr_d      = lfsr_q;
    way_o       = '0;
    evict_o     = '0;
    evict_src_o = '0;
    valid_o     = '0;
    port_valid  = '0;
    port_write  = '0;

    if (TouchMoves && touch_valid_i) begin
      state_d[touch_set_i*StateW +: StateW] = promote(state_q[touch_set_i*StateW +: StateW], touch_way_i);
    end

    for (int unsigned k = 0; k < Ports; k++) begin
      set   = set_i[k*SetW +: SetW];
      op    = op_i[k*2 +: 2];
      valid = valid_i[k*Ways +: Ways];
      same  = same_i[k*Ways +: Ways];
      src   = '0;
      way   = '0;
      took_victim = 1'b0;
      // an idle port changes nothing (and costs no simulation time)
      if (op == OpInsert || op == OpInvalidate) begin
        // replay the earlier ports that changed this set
        for (int unsigned j = 0; j < k; j++) begin
          if (op_i[j*2 +: 2] != 2'd0 && set_i[j*SetW +: SetW] == set) begin
            valid = port_valid[j*Ways +: Ways];
            for (int unsigned w = 0; w < Ways; w++) begin
              if (port_write[j*Ways + w]) begin
                same[w] = pair_same_i[k*Ports + j];
                src[w*SrcW +: SrcW] = SrcW'(j + 1);
              end
            end
          end
        end
        same = same & valid;

        if (op == OpInsert) begin
          if (|same) begin
            way = lowest_way(same);
          end else if (|(~valid)) begin
            way = lowest_way(~valid);
          end else begin
            st = state_d[set*StateW +: StateW];
            way = policy_victim(st, lfsr_d);
            took_victim = 1'b1;
            if (UseLfsr) begin
              lfsr_d = lfsr_next(lfsr_d);
            end
          end
          valid[way] = 1'b1;
          port_write[k*Ways + 32'(way)] = 1'b1;
          if (UseRank || UseTree) begin
            state_d[set*StateW +: StateW] = promote(state_d[set*StateW +: StateW], way);
          end
        end else begin
          valid = valid & ~same;
        end
      end

      port_valid[k*Ways +: Ways] = valid;
      way_o[k*WayW +: WayW]       = way;
      evict_o[k]                  = took_victim;
      evict_src_o[k*SrcW +: SrcW] = took_victim ? src[way*SrcW +: SrcW] : '0;
      valid_o[k*Ways +: Ways]     = valid;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= ResetStates;
      lfsr_q  <= Seed;
    end else begin
      state_q <= state_d;
      lfsr_q  <= lfsr_d;
    end
  end

endmodule
