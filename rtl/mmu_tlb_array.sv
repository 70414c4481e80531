// mmu_tlb_array.sv — one set-associative array of a TLB (tlb_array in
// model/src/tlb/tlb_internal.h): the page sizes of LevelMask share its sets,
// each size indexing by (va >> MM_LEVEL_SHIFT(level)) % Sets. An entry
// matches (va, asid) at level L when it is valid, holds level L and
// vpn == va >> shift(L), and is global or of that asid; the lowest matching
// way of the smallest matching size wins, as in tlb.c's find().
//
// Cycle: the lookup reads the state at the start of the cycle; at the edge
// the lookup's touch (touch_i), then the flush and the shootdowns, then the
// fill ports in order take effect (mmu_repl sequences the ports of a cycle).
module mmu_tlb_array import mmu_pkg::*; #(
  parameter int unsigned Entries     = 64,
  parameter int unsigned Ways        = 4,
  parameter logic [7:0]  LevelMask   = 8'd1,
  parameter int unsigned Replacement = ReplLru,
  parameter logic [15:0] LfsrSeed    = 16'hACE1,
  parameter int unsigned FillPorts   = 2,
  parameter int unsigned SdLanes     = 1,
  parameter int unsigned Shootdowns  = 1   // 0: the sd_*_i lanes are ignored
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,
  // probe of the state at the start of the cycle
  input  logic [VaW-1:0]                lookup_va_i,
  input  logic [AsidW-1:0]              lookup_asid_i,
  output logic                          lookup_hit_o,
  output logic [LevelW-1:0]             lookup_level_o,
  output logic [PaW-1:0]                lookup_ppn_o,
  output logic [PermW-1:0]              lookup_perm_o,
  output logic [AsidW-1:0]              lookup_asid_o,
  // this array's hit is the TLB's hit of a tlb_lookup: touch it at the edge
  input  logic                          touch_i,
  input  logic                          flush_valid_i,
  input  logic [2:0]                    flush_op_i,
  input  logic                          flush_include_global_i,
  input  logic [AsidW-1:0]              flush_asid_i,
  input  logic [VaW-1:0]                flush_va_i,
  // OS shootdowns (tlb_flush_asid_va with globals): lane l drops the
  // entries translating sd_va_i that are global or of sd_asid_i
  input  logic [SdLanes-1:0]            sd_valid_i,
  input  logic [SdLanes*AsidW-1:0]      sd_asid_i,
  input  logic [SdLanes*VaW-1:0]        sd_va_i,
  input  logic [FillPorts*2-1:0]        fill_op_i,
  input  logic [FillPorts*VaW-1:0]      fill_vpn_i,
  input  logic [FillPorts*PaW-1:0]      fill_ppn_i,
  input  logic [FillPorts*AsidW-1:0]    fill_asid_i,
  input  logic [FillPorts*LevelW-1:0]   fill_level_i,
  input  logic [FillPorts*PermW-1:0]    fill_perm_i,
  // the valid entry an insert on port k evicted; all zero otherwise
  output logic [FillPorts-1:0]          evict_valid_o,
  output logic [FillPorts*VaW-1:0]      evict_vpn_o,
  output logic [FillPorts*PaW-1:0]      evict_ppn_o,
  output logic [FillPorts*AsidW-1:0]    evict_asid_o,
  output logic [FillPorts*LevelW-1:0]   evict_level_o,
  output logic [FillPorts*PermW-1:0]    evict_perm_o
);

  localparam int unsigned Sets  = Entries / Ways;
  localparam int unsigned SetW  = Sets > 1 ? $clog2(Sets) : 1;
  localparam int unsigned WayW  = Ways > 1 ? $clog2(Ways) : 1;
  localparam int unsigned IdxW  = Entries > 1 ? $clog2(Entries) : 1;
  localparam int unsigned SrcW  = $clog2(FillPorts + 1);
  // a vpn has at most VaW - 12 bits (4 KiB pages); tlb_insert drops wider ones
  localparam int unsigned VpnW  = VaW - 12;
  localparam int unsigned KeyW  = LevelW + VpnW;
  // sizes above MaxLevels-1 do not exist (tlb_create rejects such masks)
  localparam logic [7:0] Held   = LevelMask & 8'((1 << MaxLevels) - 1);

  localparam logic [1:0] OpInsert     = 2'd1;
  localparam logic [1:0] OpInvalidate = 2'd2;

  // tlb_create's geometry checks (repl_check_geometry, check_array)
  if (Ways == 0 || Ways > Entries || Entries % Ways != 0 || (Sets & (Sets - 1)) != 0) begin : g_bad_geometry
    $error("mmu_tlb_array: %0d entries / %0d ways is not a power-of-two number of sets", Entries, Ways);
  end
  if (Replacement == ReplPlru && (Ways & (Ways - 1)) != 0) begin : g_bad_plru_ways
    $error("mmu_tlb_array: plru needs a power-of-two number of ways, got %0d", Ways);
  end
  if (Held == 8'd0 || Held != LevelMask) begin : g_bad_level_mask
    $error("mmu_tlb_array: level mask %0h holds no size or sizes above level %0d", LevelMask, MaxLevels - 1);
  end

  // with one set the index field is a dummy bit that must stay 0
  localparam logic [SetW-1:0] SetMask = SetW'(Sets - 1);

  function automatic logic [IdxW-1:0] cell_index(logic [SetW-1:0] set, logic [WayW-1:0] way);
    logic [SetW-1:0] s;
    s = set & SetMask;
    cell_index = IdxW'(s) * IdxW'(Ways) + IdxW'(way);
  endfunction

  // va >> MM_LEVEL_SHIFT(level), for a level that exists
  function automatic logic [VpnW-1:0] vpn_of(logic [VaW-1:0] va, int unsigned level);
    vpn_of = VpnW'(va >> (12 + 9 * level));
  endfunction

  // tlb_vpn_fits: the page lies below 2^64
  function automatic logic vpn_fits(logic [VaW-1:0] vpn, logic [LevelW-1:0] level);
    vpn_fits = (vpn >> (VpnW - 9 * 32'(level))) == '0;
  endfunction

  // ---------------------------------------------------------------------
  // storage
  // ---------------------------------------------------------------------
  // The tag and data fields are a RAM written by index (no reset: valid_q
  // guards them). Routing them through a _d copy would make every simulated
  // cycle copy the whole array.
  logic [KeyW-1:0]  key_mem  [Entries];  // {level, vpn}
  logic [AsidW-1:0] asid_mem [Entries];
  logic [PaW-1:0]   ppn_mem  [Entries];
  logic [PermW-1:0] perm_mem [Entries];  // perm_mem[PermBitG]: global, matches every asid

  logic [Entries-1:0] valid_q, valid_d;
  logic [Entries-1:0] valid_flushed;

  // ---------------------------------------------------------------------
  // lookup
  // ---------------------------------------------------------------------
  logic [SetW-1:0] hit_set;
  logic [WayW-1:0] hit_way;
  logic [IdxW-1:0] hit_cell;

  always_comb begin
    logic [VpnW-1:0] vpn;
    logic [SetW-1:0] set;
    logic [IdxW-1:0] c;
    vpn            = '0;
    set            = '0;
    c              = '0;
    lookup_hit_o   = 1'b0;
    lookup_level_o = '0;
    hit_set        = '0;
    hit_way        = '0;
    hit_cell       = '0;
    for (int unsigned level = 0; level < MaxLevels; level++) begin
      if (Held[level] && !lookup_hit_o) begin
        vpn = vpn_of(lookup_va_i, level);
        set = vpn[SetW-1:0] & SetMask;
        for (int unsigned w = 0; w < Ways; w++) begin
          c = cell_index(set, WayW'(w));
          if (!lookup_hit_o && valid_q[c] && key_mem[c] == {LevelW'(level), vpn} &&
              (perm_mem[c][PermBitG] || asid_mem[c] == lookup_asid_i)) begin
            lookup_hit_o   = 1'b1;
            lookup_level_o = LevelW'(level);
            hit_set        = set;
            hit_way        = WayW'(w);
            hit_cell       = c;
          end
        end
      end
    end
  end

  assign lookup_ppn_o  = lookup_hit_o ? ppn_mem[hit_cell]  : '0;
  assign lookup_perm_o = lookup_hit_o ? perm_mem[hit_cell] : '0;
  assign lookup_asid_o = lookup_hit_o ? asid_mem[hit_cell] : '0;

  // ---------------------------------------------------------------------
  // flush (tlb_flush.c): whole-array scans only for the rare whole-TLB and
  // per-asid flushes; a per-VA flush looks at the one set each size indexes
  // ---------------------------------------------------------------------
  always_comb begin
    logic [VpnW-1:0] vpn;
    logic [SetW-1:0] set;
    logic [IdxW-1:0] c;
    logic            global_entry;
    vpn           = '0;
    set           = '0;
    c             = '0;
    global_entry  = 1'b0;
    valid_flushed = valid_q;
    if (flush_valid_i) begin
      case (flush_op_i)
        TlbFlushAll: valid_flushed = '0;
        TlbFlushNonGlobal: begin
          for (int unsigned e = 0; e < Entries; e++) begin
            if (!perm_mem[e][PermBitG]) begin
              valid_flushed[e] = 1'b0;
            end
          end
        end
        TlbFlushAsid: begin
          for (int unsigned e = 0; e < Entries; e++) begin
            if (!perm_mem[e][PermBitG] && asid_mem[e] == flush_asid_i) begin
              valid_flushed[e] = 1'b0;
            end
          end
        end
        TlbFlushVa, TlbFlushAsidVa: begin
          for (int unsigned level = 0; level < MaxLevels; level++) begin
            if (Held[level]) begin
              vpn = vpn_of(flush_va_i, level);
              set = vpn[SetW-1:0] & SetMask;
              for (int unsigned w = 0; w < Ways; w++) begin
                c = cell_index(set, WayW'(w));
                global_entry = perm_mem[c][PermBitG];
                if (key_mem[c] == {LevelW'(level), vpn} &&
                    (flush_op_i == TlbFlushVa ||
                     (!global_entry && asid_mem[c] == flush_asid_i) ||
                     (global_entry && flush_include_global_i))) begin
                  valid_flushed[c] = 1'b0;
                end
              end
            end
          end
        end
        default: ;
      endcase
    end
    for (int unsigned l = 0; l < (Shootdowns != 0 ? SdLanes : 0); l++) begin
      if (sd_valid_i[l]) begin
        for (int unsigned level = 0; level < MaxLevels; level++) begin
          if (Held[level]) begin
            vpn = vpn_of(sd_va_i[l*VaW +: VaW], level);
            set = vpn[SetW-1:0] & SetMask;
            for (int unsigned w = 0; w < Ways; w++) begin
              c = cell_index(set, WayW'(w));
              if (key_mem[c] == {LevelW'(level), vpn} &&
                  (perm_mem[c][PermBitG] || asid_mem[c] == sd_asid_i[l*AsidW +: AsidW])) begin
                valid_flushed[c] = 1'b0;
              end
            end
          end
        end
      end
    end
  end

  // ---------------------------------------------------------------------
  // fill ports
  // ---------------------------------------------------------------------
  logic [FillPorts*2-1:0]         port_op;
  logic [FillPorts*SetW-1:0]      port_set;
  logic [FillPorts*KeyW-1:0]      port_key;
  logic [FillPorts*Ways-1:0]      port_valid;
  logic [FillPorts*Ways-1:0]      port_same;
  logic [FillPorts*FillPorts-1:0] pair_same;

  always_comb begin
    logic [VaW-1:0]    vpn;
    logic [LevelW-1:0] level;
    logic [1:0]        op;
    logic [SetW-1:0]   set;
    logic [IdxW-1:0]   c;
    logic              global_k;
    logic              global_j;
    c          = '0;
    global_j   = 1'b0;
    port_op    = '0;
    port_set   = '0;
    port_valid = '0;
    port_same  = '0;
    pair_same  = '0;
    port_key   = '0;
    for (int unsigned k = 0; k < FillPorts; k++) begin
      vpn      = fill_vpn_i[k*VaW +: VaW];
      level    = fill_level_i[k*LevelW +: LevelW];
      op       = fill_op_i[k*2 +: 2];
      global_k = fill_perm_i[k*PermW + PermBitG];
      set      = vpn[SetW-1:0] & SetMask;
      port_key[k*KeyW +: KeyW] = {level, vpn[VpnW-1:0]};
      // tlb_insert and tlb_invalidate_entry ignore sizes this array does not
      // hold and vpns whose page would lie above 2^64
      if ((op == OpInsert || op == OpInvalidate) && Held[level] && vpn_fits(vpn, level)) begin
        port_op[k*2 +: 2] = op;
      end
      port_set[k*SetW +: SetW] = set;
      // only a port this array serves reads its set (simulation speed)
      if (port_op[k*2 +: 2] != 2'd0) begin
        for (int unsigned w = 0; w < Ways; w++) begin
          c = cell_index(set, WayW'(w));
          port_valid[k*Ways + w] = valid_flushed[c];
          port_same[k*Ways + w]  = valid_flushed[c] && key_mem[c] == port_key[k*KeyW +: KeyW] &&
                                   (global_k || perm_mem[c][PermBitG] ||
                                    asid_mem[c] == fill_asid_i[k*AsidW +: AsidW]);
        end
        for (int unsigned j = 0; j < k; j++) begin
          global_j = fill_perm_i[j*PermW + PermBitG];
          pair_same[k*FillPorts + j] = port_key[j*KeyW +: KeyW] == port_key[k*KeyW +: KeyW] &&
                                       (global_k || global_j ||
                                        fill_asid_i[j*AsidW +: AsidW] == fill_asid_i[k*AsidW +: AsidW]);
        end
      end
    end
  end

  logic [FillPorts*WayW-1:0] port_way;
  logic [FillPorts-1:0]      port_evict;
  logic [FillPorts*SrcW-1:0] port_evict_src;
  logic [FillPorts*Ways-1:0] port_valid_after;

  mmu_repl #(
    .Sets     (Sets),
    .Ways     (Ways),
    .Policy   (Replacement),
    .LfsrSeed (LfsrSeed),
    .Ports    (FillPorts)
  ) u_repl (
    .clk_i,
    .rst_ni,
    .touch_valid_i (touch_i && lookup_hit_o),
    .touch_set_i   (hit_set),
    .touch_way_i   (hit_way),
    .op_i          (port_op),
    .set_i         (port_set),
    .valid_i       (port_valid),
    .same_i        (port_same),
    .pair_same_i   (pair_same),
    .way_o         (port_way),
    .evict_o       (port_evict),
    .evict_src_o   (port_evict_src),
    .valid_o       (port_valid_after)
  );

  logic [FillPorts*IdxW-1:0] port_cell;

  always_comb begin
    port_cell = '0;
    for (int unsigned k = 0; k < FillPorts; k++) begin
      port_cell[k*IdxW +: IdxW] = cell_index(port_set[k*SetW +: SetW], port_way[k*WayW +: WayW]);
    end
  end

  // later ports' views already include the earlier ports of their set, so
  // the last write of a set wins
  always_comb begin
    valid_d = valid_flushed;
    for (int unsigned k = 0; k < FillPorts; k++) begin
      if (port_op[k*2 +: 2] != 2'd0) begin
        valid_d[cell_index(port_set[k*SetW +: SetW], '0) +: Ways] = port_valid_after[k*Ways +: Ways];
      end
    end
  end

  always_comb begin
    logic [SrcW-1:0]   src;
    logic [IdxW-1:0]   c;
    int unsigned       j;
    src           = '0;
    c             = '0;
    j             = 0;
    evict_valid_o = port_evict;
    evict_vpn_o   = '0;
    evict_ppn_o   = '0;
    evict_asid_o  = '0;
    evict_level_o = '0;
    evict_perm_o  = '0;
    for (int unsigned k = 0; k < FillPorts; k++) begin
      if (port_evict[k]) begin
        src = port_evict_src[k*SrcW +: SrcW];
        c   = port_cell[k*IdxW +: IdxW];
        if (src == '0) begin
          evict_vpn_o[k*VaW +: VaW]          = VaW'(key_mem[c][VpnW-1:0]);
          evict_level_o[k*LevelW +: LevelW]  = key_mem[c][KeyW-1 -: LevelW];
          evict_ppn_o[k*PaW +: PaW]          = ppn_mem[c];
          evict_asid_o[k*AsidW +: AsidW]     = asid_mem[c];
          evict_perm_o[k*PermW +: PermW]     = perm_mem[c];
        end else begin
          // the entry an earlier port wrote to this way in this same cycle
          j = 32'(src) - 1;
          evict_vpn_o[k*VaW +: VaW]          = fill_vpn_i[j*VaW +: VaW];
          evict_level_o[k*LevelW +: LevelW]  = fill_level_i[j*LevelW +: LevelW];
          evict_ppn_o[k*PaW +: PaW]          = fill_ppn_i[j*PaW +: PaW];
          evict_asid_o[k*AsidW +: AsidW]     = fill_asid_i[j*AsidW +: AsidW];
          evict_perm_o[k*PermW +: PermW]     = fill_perm_i[j*PermW +: PermW];
        end
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= '0;
    end else begin
      valid_q <= valid_d;
    end
  end

  // RAM write ports, one per fill port in port order: a later port writing
  // the same cell wins, as the later tlb_insert call does in C
  always_ff @(posedge clk_i) begin
    for (int unsigned k = 0; k < FillPorts; k++) begin
      if (port_op[k*2 +: 2] == OpInsert) begin
        key_mem[port_cell[k*IdxW +: IdxW]]  <= port_key[k*KeyW +: KeyW];
        asid_mem[port_cell[k*IdxW +: IdxW]] <= fill_asid_i[k*AsidW +: AsidW];
        ppn_mem[port_cell[k*IdxW +: IdxW]]  <= fill_ppn_i[k*PaW +: PaW];
        perm_mem[port_cell[k*IdxW +: IdxW]] <= fill_perm_i[k*PermW +: PermW];
      end
    end
  end

endmodule
