// mmu_walker.sv — one page-table walker: the architectural walk of
// model/src/pt/walk.c (every format, fault and A/D rule, the walk-cache
// start of walk_start) timed as model/src/mmu/engine.c times one walk
// (docs/timing.md §5):
//
//   t = S + pwc_probe_cycles
//   each PTE read:  level >= 1 with a PTE cache: probe, t += pte_cache_cycles,
//                   a hit supplies the PTE; otherwise t += step_cycles, issue
//                   at t, t = response cycle
//   each A/D write: t += step_cycles, issue at t, t = response cycle
//   C = t + fill_cycles, done_o in cycle C-1
//
// Every wait is a down-counter; a wait of zero cycles is taken in the same
// cycle, so a response can become the next request (or done_o) at once.
// The PTE-cache probe is made when its wait begins (the earliest cycle the
// PTE address is known), its answer is used when the wait ends. start_i is
// taken only while idle_o; mem_rsp_valid_i only while an access is out.
//
// engine.c probes the PTE cache at the same cycles (each probe sees the
// cache of its cycle). It reads the page tables at S (beside a PTE cache,
// from one probe to the next); this walker reads each PTE when it issues
// the access. The two agree as long as nothing but the walk itself writes
// them while it runs; with several walkers a lockstep harness must serve
// both sides the same way.
//
// The RISC-V formats hold a 44-bit PPN, so their table and page addresses
// have 56 bits (PaW); the physical memory has MemPaW (52). A memory must
// answer a request above it with an error (walk_ctx.c: outside physical
// memory); such an address is never probed in the PTE cache, which holds
// only PTEs read from memory (the probe wait still passes).
module mmu_walker import mmu_pkg::*; #(
  localparam int unsigned WalkPaW = PaW
) (
  input  logic clk_i,
  input  logic rst_ni,
  output logic idle_o,                       // can take start_i this cycle
  // start a walk (S = this cycle); all inputs below are sampled in this cycle only
  input  logic start_i,
  input  logic [VaW-1:0] va_i,
  input  logic [1:0] access_i,
  input  logic priv_i,
  input  logic [2:0] fmt_i,
  input  logic [MemPaW-1:0] root_pa_i,
  input  logic [6:0] pa_bits_i,
  input  logic ad_i,
  input  logic nxe_i,
  input  logic wp_i,
  input  logic smep_i,
  input  logic smap_i,
  input  logic sum_i,
  input  logic mxr_i,
  input  logic svnapot_i,
  input  logic svpbmt_i,
  input  logic from_valid_i,                 // translation-cache hit: start below it (walk_start)
  input  logic [LevelW-1:0] from_level_i,    // walk_start.level (= hit level - 1)
  input  logic [PaW-1:0] from_table_pa_i,
  input  logic [PermW-1:0] from_perm_i,
  input  logic from_global_i,
  // timing, static for the whole run
  input  logic [7:0] pwc_probe_cycles_i,
  input  logic [7:0] pte_cache_cycles_i,     // 0: no PTE cache
  input  logic [7:0] step_cycles_i,
  input  logic [7:0] fill_cycles_i,          // >= 1 (0 is taken as 1)
  // PTE-cache probe (pwc design "pte"): combinational answer in the same cycle
  output logic probe_valid_o,
  output logic [PaW-1:0] probe_pa_o,
  output logic [LevelW-1:0] probe_level_o,
  input  logic probe_hit_i,
  input  logic [PteW-1:0] probe_data_i,
  // PTE memory port: a request is taken in the cycle it is valid
  output logic mem_req_valid_o,
  output logic [PaW-1:0] mem_req_pa_o,
  output logic mem_req_write_o,
  output logic [PteW-1:0] mem_req_wdata_o,
  output logic [LevelW-1:0] mem_req_level_o,
  input  logic mem_rsp_valid_i,
  input  logic [PteW-1:0] mem_rsp_data_i,
  input  logic mem_rsp_error_i,
  // result: done_o is high for exactly one cycle, the cycle C-1; outputs valid while done_o
  output logic done_o,
  output logic [3:0] fault_o,
  output logic [PaW-1:0] pa_o,
  output logic [LevelW-1:0] leaf_level_o,
  output logic [PermW-1:0] perm_o,           // walk_result.perm
  output logic [7:0] pte_reads_o,            // memory accesses (PTE-cache hits excluded)
  output logic [7:0] pte_writes_o,
  output logic [LevelW-1:0] pte_cache_hit_level_o,  // lowest level the PTE cache answered, 0: none
  output logic [LevelW-1:0] start_level_o,
  // translation-cache fills: levels leaf_level+1..start_level
  output logic [MaxLevels-1:0] pwc_fill_mask_o,
  output logic [MaxLevels*PaW-1:0] pwc_fill_table_o,
  output logic [MaxLevels*PermW-1:0] pwc_fill_perm_o,
  output logic [MaxLevels-1:0] pwc_fill_global_o,
  // PTE-cache fills: non-leaf levels read from memory, value as the walk left it
  output logic [MaxLevels-1:0] pte_fill_mask_o,
  output logic [MaxLevels*PaW-1:0] pte_fill_pa_o,
  output logic [MaxLevels*PteW-1:0] pte_fill_val_o
);

  // a wait is at most pwc_probe_cycles + fill_cycles - 1 (a non-canonical va)
  localparam int unsigned CntW = 9;

  localparam logic [1:0] StIdle  = 2'd0;
  localparam logic [1:0] StDelay = 2'd1;   // counting down to pend_q
  localparam logic [1:0] StRsp   = 2'd2;   // a memory access is outstanding

  // what happens when a wait ends
  localparam logic [2:0] ActBegin      = 3'd0;  // the next PTE read starts (probe or step)
  localparam logic [2:0] ActProbeDone  = 3'd1;  // the PTE-cache answer is due
  localparam logic [2:0] ActIssueRead  = 3'd2;
  localparam logic [2:0] ActIssueWrite = 3'd3;
  localparam logic [2:0] ActDone       = 3'd4;

  // Byte offset of va's entry inside a table of `level` (pte_slot_offset).
  // vpn: va[56:12], the index bits of every level
  function automatic logic [11:0] slot_offset(input logic [44:0] vpn,
                                               input logic [LevelW-1:0] level);
    logic [8:0] index;
    case (level)
      3'd0:    index = vpn[8:0];
      3'd1:    index = vpn[17:9];
      3'd2:    index = vpn[26:18];
      3'd3:    index = vpn[35:27];
      3'd4:    index = vpn[44:36];
      // no format has a sixth level; walk_run never gets here
      default: index = '0;
    endcase
    slot_offset = {index, 3'b000};
  endfunction

  // ------------------------------------------------------------ state ----
  logic [1:0]          state_q, state_d;
  logic [CntW-1:0]     cnt_q, cnt_d;
  logic [2:0]          pend_q, pend_d;
  logic                rsp_write_q, rsp_write_d;   // the outstanding access is a write

  // translation context of the walk
  logic [VaW-1:0]      va_q, va_d;
  logic [1:0]          access_q, access_d;
  logic                priv_q, priv_d;
  logic                is_x86_q, is_x86_d;
  logic [6:0]          pa_bits_q, pa_bits_d;
  logic                ad_q, ad_d, nxe_q, nxe_d, wp_q, wp_d, smep_q, smep_d, smap_q, smap_d;
  logic                sum_q, sum_d, mxr_q, mxr_d, svnapot_q, svnapot_d, svpbmt_q, svpbmt_d;

  // where the walk is
  logic [LevelW-1:0]   level_q, level_d;           // level of the next PTE read
  logic [WalkPaW-1:0]  table_q, table_d;           // table of that level
  logic [3:0]          perm_q, perm_d;             // x86 rights accumulated so far
  logic                global_q, global_d;         // RISC-V G seen so far
  logic [LevelW-1:0]   start_level_q, start_level_d;

  // the PTE access under way
  logic [WalkPaW-1:0]  acc_pa_q, acc_pa_d;
  logic [LevelW-1:0]   acc_level_q, acc_level_d;
  logic [PteW-1:0]     wdata_q, wdata_d;
  logic                wr_last_q, wr_last_d;       // the walk ends after this write
  logic                probe_hit_q, probe_hit_d;
  logic [PteW-1:0]     probe_data_q, probe_data_d;
  logic                probe_take;                 // a probe answer is sampled this cycle

  // the result
  logic [3:0]          fault_q, fault_d;
  logic [WalkPaW-1:0]  res_pa_q, res_pa_d;
  logic [LevelW-1:0]   leaf_level_q, leaf_level_d;
  logic [PermW-1:0]    res_perm_q, res_perm_d;
  logic [7:0]          reads_q, reads_d, writes_q, writes_d;
  logic [LevelW-1:0]   hit_level_q, hit_level_d;

  // per level, what a walk cache may keep (walk_result.next_table etc.)
  logic [MaxLevels-1:0]         consumed_q, consumed_d;   // pointer levels passed
  logic [MaxLevels-1:0]         memread_q, memread_d;     // read from memory, not the PTE cache
  logic [MaxLevels*WalkPaW-1:0] next_table_q, next_table_d;
  logic [MaxLevels*4-1:0]       perm_after_q, perm_after_d;
  logic [MaxLevels-1:0]         global_after_q, global_after_d;
  logic [MaxLevels*WalkPaW-1:0] lvl_pa_q, lvl_pa_d;
  logic [MaxLevels*PteW-1:0]    lvl_val_q, lvl_val_d;

  // ------------------------------------------------- the PTE in hand ----
  logic [PteW-1:0]    chk_pte;
  logic               chk_bus_error;
  logic [3:0]         chk_fault;
  logic               chk_leaf, chk_write, chk_global_after;
  logic [PteW-1:0]    chk_wdata;
  logic [WalkPaW-1:0] chk_next_table, chk_leaf_pa;
  logic [3:0]         chk_perm_after;
  logic [PermW-1:0]   chk_leaf_perm;

  // a PTE arrives from memory (StRsp) or from the PTE cache (the probe answer)
  assign chk_pte       = state_q == StRsp ? mem_rsp_data_i : probe_data_q;
  assign chk_bus_error = state_q == StRsp && mem_rsp_error_i;

  mmu_walk_pte_check u_pte_check (
    .pte_i          (chk_pte),
    .bus_error_i    (chk_bus_error),
    .level_i        (acc_level_q),
    .is_x86_i       (is_x86_q),
    .va_i           (va_q),
    .access_i       (access_q),
    .priv_i         (priv_q),
    .pa_bits_i      (pa_bits_q),
    .ad_i           (ad_q),
    .nxe_i          (nxe_q),
    .wp_i           (wp_q),
    .smep_i         (smep_q),
    .smap_i         (smap_q),
    .sum_i          (sum_q),
    .mxr_i          (mxr_q),
    .svnapot_i      (svnapot_q),
    .svpbmt_i       (svpbmt_q),
    .perm_i         (perm_q),
    .global_i       (global_q),
    .fault_o        (chk_fault),
    .leaf_o         (chk_leaf),
    .write_o        (chk_write),
    .wdata_o        (chk_wdata),
    .next_table_o   (chk_next_table),
    .perm_after_o   (chk_perm_after),
    .global_after_o (chk_global_after),
    .leaf_pa_o      (chk_leaf_pa),
    .leaf_perm_o    (chk_leaf_perm)
  );

  // ------------------------------------------------ the walk's start ----
  logic [2:0]         fmt_levels;
  logic               fmt_is_x86, va_canonical, resume;
  logic [LevelW-1:0]  first_level;
  logic [WalkPaW-1:0] first_table;
  always_comb begin
    case (fmt_i)
      FmtX86L4: begin fmt_levels = 3'd4; va_canonical = &va_i[63:47] || ~|va_i[63:47]; end
      FmtX86L5: begin fmt_levels = 3'd5; va_canonical = &va_i[63:56] || ~|va_i[63:56]; end
      FmtSv39:  begin fmt_levels = 3'd3; va_canonical = &va_i[63:38] || ~|va_i[63:38]; end
      FmtSv48:  begin fmt_levels = 3'd4; va_canonical = &va_i[63:47] || ~|va_i[63:47]; end
      FmtSv57:  begin fmt_levels = 3'd5; va_canonical = &va_i[63:56] || ~|va_i[63:56]; end
      // not a format: walk_run takes one level, and no va is canonical
      default:  begin fmt_levels = 3'd1; va_canonical = 1'b0; end
    endcase
    fmt_is_x86 = fmt_i == FmtX86L4 || fmt_i == FmtX86L5;
    // a start outside the format's levels cannot come from a walk cache of
    // this format: walk from the root
    resume      = from_valid_i && from_level_i < fmt_levels;
    first_level = resume ? from_level_i : fmt_levels - 3'd1;
    first_table = resume ? {from_table_pa_i[PaW-1:12], 12'd0} : {{(PaW-MemPaW){1'b0}}, root_pa_i[MemPaW-1:12], 12'd0};
  end

  // -------------------------------------------------------- sequencer ----
  logic [CntW-1:0] fill_wait, sched_delay;   // fill_wait: fill_cycles - 1
  logic [2:0]      sched_act;
  logic            sched_v, go_check, go_begin, go_rd, go_wr, go_done;
  logic [WalkPaW-1:0] begin_pa;

  assign fill_wait = fill_cycles_i == 8'd0 ? '0 : CntW'(fill_cycles_i) - 1'b1;

  always_comb begin
    state_d        = state_q;
    cnt_d          = cnt_q;
    pend_d         = pend_q;
    rsp_write_d    = rsp_write_q;
    va_d           = va_q;
    access_d       = access_q;
    priv_d         = priv_q;
    is_x86_d       = is_x86_q;
    pa_bits_d      = pa_bits_q;
    ad_d           = ad_q;
    nxe_d          = nxe_q;
    wp_d           = wp_q;
    smep_d         = smep_q;
    smap_d         = smap_q;
    sum_d          = sum_q;
    mxr_d          = mxr_q;
    svnapot_d      = svnapot_q;
    svpbmt_d       = svpbmt_q;
    level_d        = level_q;
    table_d        = table_q;
    perm_d         = perm_q;
    global_d       = global_q;
    start_level_d  = start_level_q;
    acc_pa_d       = acc_pa_q;
    acc_level_d    = acc_level_q;
    wdata_d        = wdata_q;
    wr_last_d      = wr_last_q;
    fault_d        = fault_q;
    res_pa_d       = res_pa_q;
    leaf_level_d   = leaf_level_q;
    res_perm_d     = res_perm_q;
    reads_d        = reads_q;
    writes_d       = writes_q;
    hit_level_d    = hit_level_q;
    consumed_d     = consumed_q;
    memread_d      = memread_q;
    next_table_d   = next_table_q;
    perm_after_d   = perm_after_q;
    global_after_d = global_after_q;
    lvl_pa_d       = lvl_pa_q;
    lvl_val_d      = lvl_val_q;

    probe_valid_o   = 1'b0;
    probe_pa_o      = '0;
    probe_level_o   = '0;
    probe_take      = 1'b0;
    mem_req_valid_o = 1'b0;
    mem_req_pa_o    = '0;
    mem_req_write_o = 1'b0;
    mem_req_wdata_o = '0;
    mem_req_level_o = '0;
    done_o          = 1'b0;

    sched_v     = 1'b0;
    sched_act   = ActDone;
    sched_delay = '0;
    go_check    = 1'b0;
    go_begin    = 1'b0;
    go_rd       = 1'b0;
    go_wr       = 1'b0;
    go_done     = 1'b0;
    begin_pa    = '0;

    // 1. what this cycle brings: a start, the end of a wait, a response
    case (state_q)
      StIdle: begin
        if (start_i) begin
          va_d           = va_i;
          access_d       = access_i;
          priv_d         = priv_i;
          is_x86_d       = fmt_is_x86;
          pa_bits_d      = pa_bits_i;
          ad_d           = ad_i;
          nxe_d          = nxe_i;
          wp_d           = wp_i;
          smep_d         = smep_i;
          smap_d         = smap_i;
          sum_d          = sum_i;
          mxr_d          = mxr_i;
          svnapot_d      = svnapot_i;
          svpbmt_d       = svpbmt_i;
          level_d        = first_level;
          table_d        = first_table;
          // x86: a resumed walk carries the rights of the levels above, R always
          perm_d         = resume ? {from_perm_i[PermBitU:PermBitW], 1'b1} : 4'hF;
          global_d       = resume && from_global_i;
          start_level_d  = first_level;
          fault_d        = FaultNone;
          res_pa_d       = '0;
          leaf_level_d   = first_level;
          res_perm_d     = '0;
          reads_d        = '0;
          writes_d       = '0;
          hit_level_d    = '0;
          consumed_d     = '0;
          memread_d      = '0;
          sched_v        = 1'b1;
          if (!va_canonical) begin
            fault_d     = FaultNonCanonical;
            sched_act   = ActDone;
            sched_delay = CntW'(pwc_probe_cycles_i) + fill_wait;
          end else begin
            sched_act   = ActBegin;
            sched_delay = CntW'(pwc_probe_cycles_i);
          end
        end
      end
      StDelay: begin
        if (cnt_q != '0) begin
          cnt_d = cnt_q - 1'b1;
        end else begin
          case (pend_q)
            ActBegin:      go_begin = 1'b1;
            ActProbeDone: begin
              if (probe_hit_q) begin
                go_check = 1'b1;
              end else begin
                sched_v     = 1'b1;
                sched_act   = ActIssueRead;
                sched_delay = CntW'(step_cycles_i);
              end
            end
            ActIssueRead:  go_rd = 1'b1;
            ActIssueWrite: go_wr = 1'b1;
            default:       go_done = 1'b1;
          endcase
        end
      end
      StRsp: begin
        if (mem_rsp_valid_i) begin
          if (!rsp_write_q) begin
            go_check = 1'b1;
          end else if (wr_last_q) begin
            sched_v     = 1'b1;
            sched_act   = ActDone;
            sched_delay = fill_wait;
          end else begin
            go_begin = 1'b1;
          end
        end
      end
      default: begin
        state_d = StIdle;
      end
    endcase

    // 2. the PTE that arrived decides the walk's next step
    if (go_check) begin
      for (int unsigned l = 0; l < MaxLevels; l++) begin
        if (3'(l) == acc_level_q) begin
          if (state_q == StRsp) begin
            memread_d[l]                   = 1'b1;
            lvl_pa_d[l*WalkPaW +: WalkPaW] = acc_pa_q;
            lvl_val_d[l*PteW +: PteW]      = mem_rsp_data_i;
          end
          if (chk_fault == FaultNone && !chk_leaf) begin
            consumed_d[l]                      = 1'b1;
            next_table_d[l*WalkPaW +: WalkPaW] = chk_next_table;
            perm_after_d[l*4 +: 4]             = chk_perm_after;
            global_after_d[l]                  = chk_global_after;
          end
        end
      end
      // levels only go down, so the last hit is the lowest
      if (state_q != StRsp) hit_level_d = acc_level_q;
      sched_v = 1'b1;
      if (chk_fault != FaultNone) begin
        fault_d      = chk_fault;
        leaf_level_d = acc_level_q;
        res_pa_d     = '0;
        res_perm_d   = '0;
        sched_act    = ActDone;
        sched_delay  = fill_wait;
      end else if (chk_leaf) begin
        leaf_level_d = acc_level_q;
        res_pa_d     = chk_leaf_pa;
        res_perm_d   = chk_leaf_perm;
        if (chk_write) begin
          wdata_d     = chk_wdata;
          wr_last_d   = 1'b1;
          sched_act   = ActIssueWrite;
          sched_delay = CntW'(step_cycles_i);
        end else begin
          sched_act   = ActDone;
          sched_delay = fill_wait;
        end
      end else begin
        table_d  = chk_next_table;
        perm_d   = chk_perm_after;
        global_d = chk_global_after;
        level_d  = acc_level_q - 3'd1;
        if (chk_write) begin
          wdata_d     = chk_wdata;
          wr_last_d   = 1'b0;
          sched_act   = ActIssueWrite;
          sched_delay = CntW'(step_cycles_i);
        end else begin
          sched_act   = ActBegin;
          sched_delay = '0;
        end
      end
    end

    // 3. a wait of zero cycles is no wait
    if (sched_v) begin
      if (sched_delay == '0) begin
        case (sched_act)
          ActBegin:      go_begin = 1'b1;
          ActIssueRead:  go_rd = 1'b1;
          ActIssueWrite: go_wr = 1'b1;
          default:       go_done = 1'b1;
        endcase
      end else begin
        state_d = StDelay;
        cnt_d   = sched_delay - 1'b1;
        pend_d  = sched_act;
      end
    end

    // 4. a PTE read starts: probe the PTE cache (levels >= 1) or step
    if (go_begin) begin
      begin_pa    = table_d | {{(WalkPaW-12){1'b0}}, slot_offset(va_d[56:12], level_d)};
      acc_pa_d    = begin_pa;
      acc_level_d = level_d;
      if (pte_cache_cycles_i != 8'd0 && level_d != 3'd0) begin
        probe_valid_o = begin_pa[PaW-1:MemPaW] == '0;
        probe_pa_o    = begin_pa;
        probe_level_o = level_d;
        probe_take    = 1'b1;
        state_d       = StDelay;
        cnt_d         = CntW'(pte_cache_cycles_i) - 1'b1;
        pend_d        = ActProbeDone;
      end else if (step_cycles_i == 8'd0) begin
        go_rd = 1'b1;
      end else begin
        state_d = StDelay;
        cnt_d   = CntW'(step_cycles_i) - 1'b1;
        pend_d  = ActIssueRead;
      end
    end

    // 5. the memory port
    if (go_rd) begin
      mem_req_valid_o = 1'b1;
      mem_req_pa_o    = acc_pa_d;
      mem_req_level_o = acc_level_d;
      state_d         = StRsp;
      rsp_write_d     = 1'b0;
      reads_d         = reads_d + 8'd1;
    end
    if (go_wr) begin
      mem_req_valid_o = 1'b1;
      mem_req_pa_o    = acc_pa_d;
      mem_req_write_o = 1'b1;
      mem_req_wdata_o = wdata_d;
      mem_req_level_o = acc_level_d;
      state_d         = StRsp;
      rsp_write_d     = 1'b1;
      writes_d        = writes_d + 8'd1;
      // a PTE-cache fill carries the PTE as memory holds it after the walk,
      // also when a later write of the walk hits the same entry
      for (int unsigned l = 0; l < MaxLevels; l++) begin
        if (memread_d[l] && lvl_pa_d[l*WalkPaW +: WalkPaW] == acc_pa_d) begin
          lvl_val_d[l*PteW +: PteW] = wdata_d;
        end
      end
    end

    // 6. the walk ends; its fills take effect at the edge into cycle C
    if (go_done) begin
      done_o  = 1'b1;
      state_d = StIdle;
    end
  end

  // the probe answer is sampled when the probe is made and used when its wait ends
  always_comb begin
    probe_hit_d  = probe_hit_q;
    probe_data_d = probe_data_q;
    if (probe_take) begin
      probe_hit_d  = probe_valid_o && probe_hit_i;
      probe_data_d = probe_data_i;
    end
  end

  // ---------------------------------------------------------- outputs ----
  assign idle_o                = state_q == StIdle;
  assign fault_o               = fault_d;
  assign pa_o                  = res_pa_d;
  assign leaf_level_o          = leaf_level_d;
  assign perm_o                = res_perm_d;
  assign pte_reads_o           = reads_d;
  assign pte_writes_o          = writes_d;
  assign pte_cache_hit_level_o = hit_level_d;
  assign start_level_o         = start_level_d;
  assign pwc_fill_mask_o       = consumed_d;
  assign pwc_fill_global_o     = global_after_d;
  assign pte_fill_mask_o       = consumed_d & memread_d;
  assign pte_fill_val_o        = lvl_val_d;

  for (genvar l = 0; l < MaxLevels; l++) begin : g_fill
    assign pwc_fill_table_o[l*PaW +: PaW]        = next_table_d[l*WalkPaW +: PaW];
    assign pwc_fill_perm_o[l*PermW +: PermW]     = {3'b000, perm_after_d[l*4 +: 4]};
    assign pte_fill_pa_o[l*PaW +: PaW]           = lvl_pa_d[l*WalkPaW +: PaW];
  end

  // from_perm_i: only R/W/X/U enter a walk (walk_run masks PERM_RWXU, R forced)
  // from_perm_i: only W/X/U enter a walk (walk_run keeps PERM_RWXU and forces R);
  // table addresses are 4 KiB aligned (walk_run clears the low bits)
  logic unused_inputs;
  assign unused_inputs = ^{from_perm_i[PermW-1:PermBitU+1], from_perm_i[PermBitR],
                           root_pa_i[11:0], from_table_pa_i[11:0]};

  // ---------------------------------------------------------- registers ----
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q        <= StIdle;
      cnt_q          <= '0;
      pend_q         <= ActBegin;
      rsp_write_q    <= 1'b0;
      va_q           <= '0;
      access_q       <= '0;
      priv_q         <= 1'b0;
      is_x86_q       <= 1'b0;
      pa_bits_q      <= '0;
      ad_q           <= 1'b0;
      nxe_q          <= 1'b0;
      wp_q           <= 1'b0;
      smep_q         <= 1'b0;
      smap_q         <= 1'b0;
      sum_q          <= 1'b0;
      mxr_q          <= 1'b0;
      svnapot_q      <= 1'b0;
      svpbmt_q       <= 1'b0;
      level_q        <= '0;
      table_q        <= '0;
      perm_q         <= '0;
      global_q       <= 1'b0;
      start_level_q  <= '0;
      acc_pa_q       <= '0;
      acc_level_q    <= '0;
      wdata_q        <= '0;
      wr_last_q      <= 1'b0;
      probe_hit_q    <= 1'b0;
      probe_data_q   <= '0;
      fault_q        <= FaultNone;
      res_pa_q       <= '0;
      leaf_level_q   <= '0;
      res_perm_q     <= '0;
      reads_q        <= '0;
      writes_q       <= '0;
      hit_level_q    <= '0;
      consumed_q     <= '0;
      memread_q      <= '0;
      next_table_q   <= '0;
      perm_after_q   <= '0;
      global_after_q <= '0;
      lvl_pa_q       <= '0;
      lvl_val_q      <= '0;
    end else begin
      state_q        <= state_d;
      cnt_q          <= cnt_d;
      pend_q         <= pend_d;
      rsp_write_q    <= rsp_write_d;
      va_q           <= va_d;
      access_q       <= access_d;
      priv_q         <= priv_d;
      is_x86_q       <= is_x86_d;
      pa_bits_q      <= pa_bits_d;
      ad_q           <= ad_d;
      nxe_q          <= nxe_d;
      wp_q           <= wp_d;
      smep_q         <= smep_d;
      smap_q         <= smap_d;
      sum_q          <= sum_d;
      mxr_q          <= mxr_d;
      svnapot_q      <= svnapot_d;
      svpbmt_q       <= svpbmt_d;
      level_q        <= level_d;
      table_q        <= table_d;
      perm_q         <= perm_d;
      global_q       <= global_d;
      start_level_q  <= start_level_d;
      acc_pa_q       <= acc_pa_d;
      acc_level_q    <= acc_level_d;
      wdata_q        <= wdata_d;
      wr_last_q      <= wr_last_d;
      probe_hit_q    <= probe_hit_d;
      probe_data_q   <= probe_data_d;
      fault_q        <= fault_d;
      res_pa_q       <= res_pa_d;
      leaf_level_q   <= leaf_level_d;
      res_perm_q     <= res_perm_d;
      reads_q        <= reads_d;
      writes_q       <= writes_d;
      hit_level_q    <= hit_level_d;
      consumed_q     <= consumed_d;
      memread_q      <= memread_d;
      next_table_q   <= next_table_d;
      perm_after_q   <= perm_after_d;
      global_after_q <= global_after_d;
      lvl_pa_q       <= lvl_pa_d;
      lvl_val_q      <= lvl_val_d;
    end
  end

endmodule
