// mmu_top.sv — the whole MMU: request port, TLB hierarchy, walk jobs,
// NumWalkers page walkers, walk cache, flush port and response lanes. It implements
// the timing contract of docs/timing.md cycle for cycle (docs/rtl.md maps
// each rule to the logic below):
//   - the request port takes one request per cycle (core.port_ops_per_cycle
//     1) while a walk slot is free; every TLB on the request's path is
//     probed in the accept cycle A on the state of cycle A, and a hit in the
//     k-th TLB answers at A + the path latency up to k;
//   - fills due at cycle C are written at the edge C-1 -> C, after that
//     cycle's lookups and flush, so everything at C sees them;
//   - a flush drops every fill scheduled before it and due after it, and
//     closes every live walk to merging;
//   - walks start in FIFO order when the job is ready and a walker idle (the
//     lowest idle one; several may start in one cycle); they finish in any
//     order, and their fills go in the order the model scheduled them.
// Geometry, replacement policies and the queue are parameters generated from
// the config (mmulab rtl-params); latencies and TLB inclusion policies are
// configuration inputs held constant for a run, so one build serves them all.
module mmu_top import mmu_pkg::*; import mmu_cfg_pkg::*; #(
  parameter int unsigned NumTlbs = CfgNumTlbs,  // 1..4, in lookup order
  parameter logic [4*4-1:0]   TlbIndex = CfgTlbIndex,  // config index of TLB i (response hit)
  parameter logic [4*3-1:0]   TlbServes = CfgTlbServes,  // bit a: serves access type a
  parameter logic [4*4-1:0]   TlbNumArrays = CfgTlbNumArrays,
  parameter logic [4*128-1:0] TlbArrayEntries = CfgTlbArrayEntries,
  parameter logic [4*128-1:0] TlbArrayWays = CfgTlbArrayWays,
  parameter logic [4*32-1:0]  TlbArrayLevelMask = CfgTlbArrayLevelMask,
  parameter logic [4*32-1:0]  TlbReplacement = CfgTlbReplacement,
  parameter logic [4*16-1:0]  TlbLfsrSeed = CfgTlbLfsrSeed,
  parameter logic             TlbVictimPaths = CfgTlbVictimPaths,  // build the inclusion paths
  parameter int unsigned PwcDesign = CfgPwcDesign,
  parameter int unsigned PwcLevels = CfgPwcLevels,
  parameter logic [MaxLevels*32-1:0] PwcLevelEntries = CfgPwcLevelEntries,
  parameter logic [MaxLevels*32-1:0] PwcLevelWays = CfgPwcLevelWays,
  parameter int unsigned PwcEntries = CfgPwcEntries,
  parameter int unsigned PwcWays = CfgPwcWays,
  parameter int unsigned PwcReplacement = CfgPwcReplacement,
  parameter logic [15:0] PwcLfsrSeed = CfgPwcLfsrSeed,
  parameter int unsigned NumWalkers = CfgNumWalkers,  // walks under way at once, 1..8
  parameter int unsigned WalkQueue = CfgWalkQueue,  // walks waiting beside those walking
  parameter int unsigned MergeSlots = CfgMergeSlots,  // walker.merge_slots
  parameter int unsigned HitBuckets = CfgHitBuckets,  // > the largest path latency; power of 2
  parameter int unsigned HitLanes = CfgHitLanes,  // hits answering in one cycle
  parameter int unsigned PromoLanes = CfgPromoLanes,  // promotion fills due in one cycle
  parameter int unsigned NumCtx = CfgNumCtx,
  // the OS shootdown lanes, a cross-check port standing for the OS's
  // invalidations (docs/rtl.md, Shootdowns); 0 ties them off (mmulab area)
  parameter int unsigned Shootdowns = CfgShootdowns,
  localparam int unsigned RspLanes = HitLanes + NumWalkers + MergeSlots,
  localparam int unsigned SdLanes = 2 * NumWalkers  // shootdown lanes
) (
  input  logic clk_i,
  input  logic rst_ni,
  // configuration inputs, constant during a run
  input  logic [4*8-1:0] cfg_tlb_latency_i,
  input  logic [4*2-1:0] cfg_tlb_inclusion_i,  // cfg_inclusion of TLB i (lookup order)
  input  logic [7:0] cfg_pwc_probe_cycles_i,
  input  logic [7:0] cfg_pte_cache_cycles_i,
  input  logic [7:0] cfg_step_cycles_i,
  input  logic [7:0] cfg_fill_cycles_i,
  input  logic cfg_merge_i,
  // address-space contexts (CTX layout in mmu_pkg)
  input  logic             ctx_we_i,
  input  logic [AsidW-1:0] ctx_asid_i,
  input  logic [CtxW-1:0]  ctx_i,
  // translation requests
  input  logic             req_valid_i,
  output logic             req_ready_o,
  input  logic [63:0]      req_id_i,
  input  logic [VaW-1:0]   req_va_i,
  input  logic [AsidW-1:0] req_asid_i,
  input  logic [1:0]       req_access_i,
  input  logic             req_priv_i,
  // flushes (mmu_flush); always taken
  input  logic             flush_valid_i,
  input  logic [2:0]       flush_kind_i,
  input  logic [AsidW-1:0] flush_asid_i,
  input  logic [VaW-1:0]   flush_va_i,
  input  logic [11:0]      flush_cr3_pcid_i,
  input  logic             flush_cr3_noflush_i,
  input  logic [1:0]       flush_invpcid_type_i,
  input  logic             flush_has_va_i,
  input  logic             flush_has_asid_i,
  // PTE memory, one lane per walker: a request is taken in the cycle it is
  // valid; the answer comes back on the same lane
  output logic [NumWalkers-1:0]        mem_req_valid_o,
  output logic [NumWalkers*64-1:0]     mem_req_pa_o,     // bits from MemPaW up: a table outside memory
  output logic [NumWalkers-1:0]        mem_req_write_o,
  output logic [NumWalkers*PteW-1:0]   mem_req_wdata_o,
  output logic [NumWalkers*LevelW-1:0] mem_req_level_o,
  output logic [NumWalkers*64-1:0]     mem_req_id_o,    // the request whose walk makes the access
  input  logic [NumWalkers-1:0]        mem_rsp_valid_i,
  input  logic [NumWalkers*PteW-1:0]   mem_rsp_data_i,
  input  logic [NumWalkers-1:0]        mem_rsp_error_i,
  // the fault handler (the OS layer), one lane per walker: a walk that
  // faulted, in the cycle before its completion C; the handler answers in
  // that cycle whether the job walks again, ready fault_cycles_i after C
  // (a retried walk gives no response; its job keeps its slot)
  output logic [NumWalkers-1:0]        fault_valid_o,
  output logic [NumWalkers*64-1:0]     fault_id_o,
  output logic [NumWalkers*4-1:0]      fault_cause_o,
  input  logic [NumWalkers-1:0]        fault_retry_i,
  input  logic [NumWalkers*32-1:0]     fault_cycles_i,
  // the shootdowns the handler's answers make in that cycle (the OS changed
  // or removed the mapping of sd_va_i in address space sd_asid_i): in force
  // from C on, before C's fills (docs/timing.md, Faults); up to two per walker
  input  logic [SdLanes-1:0]           sd_valid_i,
  input  logic [SdLanes*AsidW-1:0]     sd_asid_i,
  input  logic [SdLanes*VaW-1:0]       sd_va_i,
  // responses, valid in their completion cycle; lanes: hits, the walkers, merged
  output logic [RspLanes-1:0]        rsp_valid_o,
  output logic [RspLanes*64-1:0]     rsp_id_o,
  output logic [RspLanes*PaW-1:0]    rsp_pa_o,
  output logic [RspLanes*LevelW-1:0] rsp_level_o,
  output logic [RspLanes*4-1:0]      rsp_fault_o,
  output logic [RspLanes*4-1:0]      rsp_hit_o,        // TLB config index, HitWalk for a walk
  output logic [RspLanes*LevelW-1:0] rsp_pwc_level_o,
  output logic [RspLanes*8-1:0]      rsp_pte_reads_o,
  output logic [RspLanes*8-1:0]      rsp_pte_writes_o,
  output logic [RspLanes-1:0]        rsp_merged_o,
  output logic [63:0]      cycle_o,
  output logic             walk_busy_o,  // a walk is under way (functional coverage)
  // a bounded resource ran out, the run is not valid: bit 0 no hit lane
  // free, 1 no context slot / unknown ASID, 2 too few fill ports
  output logic [2:0]       overflow_o
);
  localparam int unsigned MaxJobs = NumWalkers + WalkQueue;
  localparam int unsigned JobW = MaxJobs > 1 ? $clog2(MaxJobs) : 1;
  localparam int unsigned BucketW = $clog2(HitBuckets);
  localparam int unsigned HitW = $clog2(HitBuckets * HitLanes);
  localparam int unsigned LaneW = HitLanes > 1 ? $clog2(HitLanes) : 1;
  localparam int unsigned MergeW = MergeSlots > 1 ? $clog2(MergeSlots) : 1;
  localparam int unsigned WkW = NumWalkers > 1 ? $clog2(NumWalkers) : 1;
  localparam int unsigned FillPorts = PromoLanes + NumWalkers;

  logic [SdLanes-1:0] sd_valid;
  assign sd_valid = Shootdowns != 0 ? sd_valid_i : '0;

  // an address space an OS shootdown names this cycle
  function automatic logic shot_down(logic [AsidW-1:0] asid);
    shot_down = 1'b0;
    for (int unsigned l = 0; l < SdLanes; l++) begin
      if (sd_valid[l] && sd_asid_i[l*AsidW +: AsidW] == asid) shot_down = 1'b1;
    end
  endfunction

  // cfg_inclusion (model/include/mmulab/config.h)
  localparam logic [1:0] InclInclusive = 2'd1;
  localparam logic [1:0] InclExclusive = 2'd2;

  // The level of each TLB (1 is looked up first): one below the deepest TLB
  // before it in lookup order serving one of its access types, since every
  // access type has exactly one TLB per level (docs/config.md).
  function automatic logic [4*3-1:0] tlb_levels();
    logic [4*3-1:0] lv;
    lv = '0;
    for (int unsigned i = 0; i < NumTlbs; i++) begin
      lv[3*i +: 3] = 3'd1;
      for (int unsigned j = 0; j < i; j++) begin
        if ((TlbServes[3*i +: 3] & TlbServes[3*j +: 3]) != 3'd0 && lv[3*j +: 3] >= lv[3*i +: 3]) begin
          lv[3*i +: 3] = lv[3*j +: 3] + 3'd1;
        end
      end
    end
    tlb_levels = lv;
  endfunction

  function automatic int unsigned deepest_level(logic [4*3-1:0] lv);
    int unsigned d;
    d = 1;
    for (int unsigned i = 0; i < NumTlbs; i++) begin
      if (32'(lv[3*i +: 3]) > d) d = 32'(lv[3*i +: 3]);
    end
    deepest_level = d;
  endfunction

  localparam logic [4*3-1:0] TlbLevel = tlb_levels();
  localparam int unsigned MaxTlbLevel = deepest_level(TlbLevel);
  // victims move between the TLBs of two levels; deeper hierarchies build
  // non-inclusive only (config_rtl.c refuses the policies there), and so
  // does a build whose config uses no policy: the paths' false loop (below)
  // makes Verilator iterate the TLBs' logic, 40 % of a skylake run
  localparam bit VictimPaths = TlbVictimPaths && MaxTlbLevel == 2;

  // ---------------------------------------------------------------- time
  logic [63:0] now_q, now_d;
  assign now_d = now_q + 64'd1;
  assign cycle_o = now_q;

  // ---------------------------------------------------------------- contexts
  logic req_ctx_found, ctx_full;
  logic [CtxW-1:0] req_ctx;
  // the contexts of the walks starting now (start ports, below)
  logic [NumWalkers*AsidW-1:0] sp_asid;
  logic [NumWalkers*CtxW-1:0] sp_ctx;
  logic [NumWalkers-1:0] sp_ctx_found;
  logic unused_sp_ctx_found;
  assign unused_sp_ctx_found = ^sp_ctx_found;  // an unknown ASID is flagged at its request

  mmu_ctx_table #(.NumCtx(NumCtx), .JobPorts(NumWalkers)) u_ctx (
    .clk_i, .rst_ni,
    .we_i(ctx_we_i), .we_asid_i(ctx_asid_i), .we_ctx_i(ctx_i),
    .rd0_asid_i(req_asid_i), .rd0_found_o(req_ctx_found), .rd0_ctx_o(req_ctx),
    .job_asid_i(sp_asid), .job_found_o(sp_ctx_found), .job_ctx_o(sp_ctx),
    .full_o(ctx_full)
  );

  // ---------------------------------------------------------------- flush decode
  logic [2:0] tlb_flush_op;
  logic tlb_flush_global;
  logic [AsidW-1:0] tlb_flush_asid, pwc_flush_asid;
  logic [1:0] pwc_flush_op;
  logic pwc_flush_global, pwc_flush_all_asids;

  mmu_flush_decode u_flush_decode (
    .kind_i(flush_kind_i), .asid_i(flush_asid_i),
    .cr3_pcid_i(flush_cr3_pcid_i), .cr3_noflush_i(flush_cr3_noflush_i),
    .invpcid_type_i(flush_invpcid_type_i), .has_va_i(flush_has_va_i), .has_asid_i(flush_has_asid_i),
    .tlb_op_o(tlb_flush_op), .tlb_include_global_o(tlb_flush_global), .tlb_asid_o(tlb_flush_asid),
    .pwc_op_o(pwc_flush_op), .pwc_include_global_o(pwc_flush_global),
    .pwc_all_asids_o(pwc_flush_all_asids), .pwc_asid_o(pwc_flush_asid)
  );

  // ---------------------------------------------------------------- TLBs
  logic req_fire;
  logic [NumTlbs-1:0] tlb_on_path, tlb_hit_all;
  // bit by bit: lookup_valid of TLB i depends on the hits of the TLBs before it
  logic [NumTlbs-1:0] tlb_hit /* verilator split_var */;
  logic [NumTlbs-1:0] tlb_lookup_valid /* verilator split_var */;
  logic [NumTlbs:0] path_clear /* verilator split_var */;
  logic [NumTlbs*PaW-1:0] tlb_ppn;
  logic [NumTlbs*LevelW-1:0] tlb_level;
  logic [NumTlbs*PermW-1:0] tlb_perm;
  logic [NumTlbs*AsidW-1:0] tlb_entry_asid;
  // the fills due next cycle, in model order (see "TLB fills" below): the
  // entry, the TLBs it is written to, and for a promotion the TLB it hit
  logic [FillPorts*NumTlbs-1:0] fill_mask, fill_hit_tlb;
  logic [FillPorts*VaW-1:0] fill_vpn;
  logic [FillPorts*PaW-1:0] fill_ppn;
  logic [FillPorts*AsidW-1:0] fill_asid;
  logic [FillPorts*LevelW-1:0] fill_level;
  logic [FillPorts*PermW-1:0] fill_perm;

  // Inclusion (model/src/mmu/mmu.c insert_one, mmu_fill_tlbs). A TLB below
  // level 1 that is exclusive takes no fill entry, only the victims of the
  // TLB one level above (the first exclusive TLB of that level sharing an
  // access type, as exclusive_below); an inclusive TLB's victim is
  // invalidated in every TLB of a lower level number. Victims come from the
  // insert slot of each fill (tlb_ins_evict_*: TLB s, fill f at s*FillPorts+f).
  logic [FillPorts*NumTlbs-1:0] fill_inserts;     // TLB s writes fill f's entry
  logic [NumTlbs*NumTlbs-1:0] victim_to;          // bit s*NumTlbs+t: s's victims go to t
  logic [NumTlbs*FillPorts-1:0] tlb_ins_evict_valid;
  logic [NumTlbs*FillPorts*VaW-1:0] tlb_ins_evict_vpn;
  logic [NumTlbs*FillPorts*PaW-1:0] tlb_ins_evict_ppn;
  logic [NumTlbs*FillPorts*AsidW-1:0] tlb_ins_evict_asid;
  logic [NumTlbs*FillPorts*LevelW-1:0] tlb_ins_evict_level;
  logic [NumTlbs*FillPorts*PermW-1:0] tlb_ins_evict_perm;

  always_comb begin
    logic found;
    fill_inserts = '0;
    victim_to = '0;
    for (int unsigned f = 0; f < FillPorts; f++) begin
      for (int unsigned s = 0; s < NumTlbs; s++) begin
        fill_inserts[f*NumTlbs + s] = fill_mask[f*NumTlbs + s] &&
            !(cfg_tlb_inclusion_i[2*s +: 2] == InclExclusive && TlbLevel[3*s +: 3] > 3'd1);
      end
    end
    for (int unsigned s = 0; s < NumTlbs; s++) begin
      found = 1'b0;
      for (int unsigned t = 0; t < NumTlbs; t++) begin
        if (!found && TlbLevel[3*t +: 3] == TlbLevel[3*s +: 3] + 3'd1 &&
            cfg_tlb_inclusion_i[2*t +: 2] == InclExclusive &&
            (TlbServes[3*s +: 3] & TlbServes[3*t +: 3]) != 3'd0) begin
          found = 1'b1;
          victim_to[s*NumTlbs + t] = 1'b1;
        end
      end
    end
  end

  for (genvar i = 0; i < NumTlbs; i++) begin : g_tlb
    // Fill slots per fill, in the order the model changes this TLB:
    // levels > 1 first drop a promoted entry (exclusive), then the insert
    // (the fill's entry, or as exclusive the victim from above), then one
    // back-invalidation per deeper level (that level's inclusive victim).
    localparam int unsigned Level = 32'(TlbLevel[3*i +: 3]);
    localparam int unsigned SlotIns = VictimPaths && Level > 1 ? 1 : 0;
    localparam int unsigned Slots = VictimPaths ? SlotIns + 1 + MaxTlbLevel - Level : 1;
    localparam int unsigned Ports = FillPorts * Slots;
    logic exclusive;
    logic [Ports*2-1:0] op;
    logic [Ports*VaW-1:0] vpn;
    logic [Ports*PaW-1:0] ppn;
    logic [Ports*AsidW-1:0] asid;
    logic [Ports*LevelW-1:0] level;
    logic [Ports*PermW-1:0] perm;
    // With a TLB below that may be inclusive or exclusive (a run-time
    // input), victims flow both ways between the two TLBs: up as
    // back-invalidations, down as exclusive fills. Bit for bit the paths are
    // acyclic (a slot reads only earlier slots of the same cycle, and the
    // input enables one direction), but each TLB computes all its slots in
    // one block, so Verilator sees a loop through these nets and settles it
    // by iteration. Waived here only.
    /* verilator lint_off UNOPTFLAT */
    logic [Ports-1:0] evict_valid;
    logic [Ports*VaW-1:0] evict_vpn;
    logic [Ports*PaW-1:0] evict_ppn;
    logic [Ports*AsidW-1:0] evict_asid;
    logic [Ports*LevelW-1:0] evict_level;
    logic [Ports*PermW-1:0] evict_perm;
    /* verilator lint_on UNOPTFLAT */
    logic unused_evict;
    // only the insert slots can evict (read below); the rest are zero
    assign unused_evict = ^{evict_valid, evict_vpn, evict_ppn, evict_asid, evict_level, evict_perm};
    assign exclusive = VictimPaths && Level > 1 && cfg_tlb_inclusion_i[2*i +: 2] == InclExclusive;

    always_comb begin
      int unsigned p;
      op = '0;
      vpn = '0;
      ppn = '0;
      asid = '0;
      level = '0;
      perm = '0;
      for (int unsigned f = 0; f < FillPorts; f++) begin
        // the entry a promotion moves up leaves this exclusive TLB first
        if (SlotIns == 1) begin
          p = f * Slots;
          vpn[VaW*p +: VaW] = fill_vpn[VaW*f +: VaW];
          ppn[PaW*p +: PaW] = fill_ppn[PaW*f +: PaW];
          asid[AsidW*p +: AsidW] = fill_asid[AsidW*f +: AsidW];
          level[LevelW*p +: LevelW] = fill_level[LevelW*f +: LevelW];
          perm[PermW*p +: PermW] = fill_perm[PermW*f +: PermW];
          if (exclusive && fill_hit_tlb[f*NumTlbs + i]) op[2*p +: 2] = 2'd2;
        end
        p = f * Slots + SlotIns;
        if (!exclusive) begin
          vpn[VaW*p +: VaW] = fill_vpn[VaW*f +: VaW];
          ppn[PaW*p +: PaW] = fill_ppn[PaW*f +: PaW];
          asid[AsidW*p +: AsidW] = fill_asid[AsidW*f +: AsidW];
          level[LevelW*p +: LevelW] = fill_level[LevelW*f +: LevelW];
          perm[PermW*p +: PermW] = fill_perm[PermW*f +: PermW];
          if (fill_mask[f*NumTlbs + i]) op[2*p +: 2] = 2'd1;
        end
        // a fill writes one TLB per level (its path): one source per slot
        for (int unsigned s = 0; s < NumTlbs; s++) begin
          int unsigned k;
          logic [1:0] kind;  // what s's victim does here: insert (1) or invalidate (2)
          k = s * FillPorts + f;
          kind = 2'd0;
          if (exclusive && victim_to[s*NumTlbs + i] && fill_inserts[f*NumTlbs + s]) begin
            kind = 2'd1;
            p = f * Slots + SlotIns;
          end else if (32'(TlbLevel[3*s +: 3]) > Level && fill_inserts[f*NumTlbs + s] &&
                       cfg_tlb_inclusion_i[2*s +: 2] == InclInclusive) begin
            kind = 2'd2;
            p = f * Slots + SlotIns + 32'(TlbLevel[3*s +: 3]) - Level;
          end
          if (VictimPaths && kind != 2'd0) begin
            vpn[VaW*p +: VaW] = tlb_ins_evict_vpn[VaW*k +: VaW];
            ppn[PaW*p +: PaW] = tlb_ins_evict_ppn[PaW*k +: PaW];
            asid[AsidW*p +: AsidW] = tlb_ins_evict_asid[AsidW*k +: AsidW];
            level[LevelW*p +: LevelW] = tlb_ins_evict_level[LevelW*k +: LevelW];
            perm[PermW*p +: PermW] = tlb_ins_evict_perm[PermW*k +: PermW];
            if (tlb_ins_evict_valid[k]) op[2*p +: 2] = kind;
          end
        end
      end
    end

    for (genvar f = 0; f < FillPorts; f++) begin : g_ins_evict
      localparam int unsigned P = f * Slots + SlotIns;
      localparam int unsigned K = i * FillPorts + f;
      assign tlb_ins_evict_valid[K] = evict_valid[P];
      assign tlb_ins_evict_vpn[VaW*K +: VaW] = evict_vpn[VaW*P +: VaW];
      assign tlb_ins_evict_ppn[PaW*K +: PaW] = evict_ppn[PaW*P +: PaW];
      assign tlb_ins_evict_asid[AsidW*K +: AsidW] = evict_asid[AsidW*P +: AsidW];
      assign tlb_ins_evict_level[LevelW*K +: LevelW] = evict_level[LevelW*P +: LevelW];
      assign tlb_ins_evict_perm[PermW*K +: PermW] = evict_perm[PermW*P +: PermW];
    end

    mmu_tlb #(
      .NumArrays(32'(TlbNumArrays[4*i +: 4])),
      .ArrayEntries(TlbArrayEntries[128*i +: 128]),
      .ArrayWays(TlbArrayWays[128*i +: 128]),
      .ArrayLevelMask(TlbArrayLevelMask[32*i +: 32]),
      .Replacement(TlbReplacement[32*i +: 32]),
      .LfsrSeed(TlbLfsrSeed[16*i +: 16]),
      .FillPorts(Ports),
      .SdLanes(SdLanes),
      .Shootdowns(Shootdowns)
    ) u_tlb (
      .clk_i, .rst_ni,
      .lookup_valid_i(tlb_lookup_valid[i]), .lookup_va_i(req_va_i), .lookup_asid_i(req_asid_i),
      .lookup_hit_o(tlb_hit[i]), .lookup_ppn_o(tlb_ppn[PaW*i +: PaW]),
      .lookup_level_o(tlb_level[LevelW*i +: LevelW]), .lookup_perm_o(tlb_perm[PermW*i +: PermW]),
      .lookup_entry_asid_o(tlb_entry_asid[AsidW*i +: AsidW]),
      .flush_valid_i(flush_valid_i), .flush_op_i(tlb_flush_op),
      .flush_include_global_i(tlb_flush_global), .flush_asid_i(tlb_flush_asid),
      .flush_va_i(flush_va_i),
      .sd_valid_i(sd_valid), .sd_asid_i, .sd_va_i,
      .fill_op_i(op), .fill_vpn_i(vpn), .fill_ppn_i(ppn), .fill_asid_i(asid),
      .fill_level_i(level), .fill_perm_i(perm),
      .evict_valid_o(evict_valid), .evict_vpn_o(evict_vpn), .evict_ppn_o(evict_ppn),
      .evict_asid_o(evict_asid), .evict_level_o(evict_level), .evict_perm_o(evict_perm)
    );
  end

  // The request's path: the TLBs serving its access type, in lookup order.
  // The first hit ends the lookups; only that TLB's replacement state moves.
  assign path_clear[0] = 1'b1;
  for (genvar i = 0; i < NumTlbs; i++) begin : g_path
    assign tlb_on_path[i] = TlbServes[3*i + 32'(req_access_i)];
    assign tlb_lookup_valid[i] = req_fire && tlb_on_path[i] && path_clear[i];
    assign path_clear[i+1] = path_clear[i] && !(tlb_on_path[i] && tlb_hit[i]);
  end
  assign tlb_hit_all = tlb_hit;
  logic unused_path_end;
  assign unused_path_end = path_clear[NumTlbs];  // "every TLB missed" comes from path_hit

  logic path_hit;
  logic [$clog2(NumTlbs + 1)-1:0] hit_k;
  logic [NumTlbs-1:0] above_hit;        // path TLBs looked up before the hit one
  logic [11:0] lat_to_hit, lat_path;
  logic [PaW-1:0] hit_ppn;
  logic [LevelW-1:0] hit_level;
  logic [PermW-1:0] hit_perm;
  logic [AsidW-1:0] hit_entry_asid;

  always_comb begin
    path_hit = 1'b0;
    hit_k = '0;
    above_hit = '0;
    lat_to_hit = '0;
    lat_path = '0;
    hit_ppn = '0;
    hit_level = '0;
    hit_perm = '0;
    hit_entry_asid = '0;
    for (int unsigned i = 0; i < NumTlbs; i++) begin
      if (tlb_on_path[i]) begin
        lat_path = lat_path + 12'(cfg_tlb_latency_i[8*i +: 8]);
        if (!path_hit) begin
          lat_to_hit = lat_to_hit + 12'(cfg_tlb_latency_i[8*i +: 8]);
          if (tlb_hit_all[i]) begin
            path_hit = 1'b1;
            hit_k = ($clog2(NumTlbs + 1))'(i);
            hit_ppn = tlb_ppn[PaW*i +: PaW];
            hit_level = tlb_level[LevelW*i +: LevelW];
            hit_perm = tlb_perm[PermW*i +: PermW];
            hit_entry_asid = tlb_entry_asid[AsidW*i +: AsidW];
          end else begin
            above_hit[i] = 1'b1;
          end
        end
      end
    end
  end

  logic [3:0] hit_fault;
  logic unused_req_ctx;
  // the request side needs only the permission-check bits of a context
  assign unused_req_ctx = ^{req_ctx[70:69], req_ctx[63], req_ctx[61:3]};
  mmu_perm_check u_perm (
    .is_x86_i(req_ctx[2:0] == FmtX86L4 || req_ctx[2:0] == FmtX86L5),
    .wp_i(req_ctx[64]), .smep_i(req_ctx[65]), .smap_i(req_ctx[66]),
    .sum_i(req_ctx[67]), .mxr_i(req_ctx[68]),
    .perm_i(hit_perm), .access_i(req_access_i), .priv_i(req_priv_i), .fault_o(hit_fault)
  );

  // a hit whose A/D bits must be written by hardware becomes a walk
  logic hit_needs_walk, req_walks, req_hits;
  assign hit_needs_walk = path_hit && req_ctx[62] == AdHardware &&
                          (hit_fault == FaultAccessedClear || hit_fault == FaultDirtyClear);
  assign req_hits = path_hit && !hit_needs_walk;
  assign req_walks = !req_hits;

  function automatic logic [5:0] page_shift(logic [LevelW-1:0] level);
    return 6'd12 + 6'd9 * 6'(level);
  endfunction

  function automatic logic [PaW-1:0] compose_pa(logic [PaW-1:0] ppn, logic [LevelW-1:0] level,
                                                logic [VaW-1:0] va);
    logic [63:0] offset_mask;
    offset_mask = (64'd1 << page_shift(level)) - 64'd1;
    return PaW'(((64'(ppn) << page_shift(level)) | (va & offset_mask)));
  endfunction

  // ---------------------------------------------------------------- hit buckets
  // A hit answering at cycle D lives in bucket D mod HitBuckets, in the first
  // free lane: lanes fill in accept order, which is also the order their
  // promotion fills are due in.
  logic [HitBuckets*HitLanes-1:0] hb_valid_q, hb_valid_d, hb_promote_q, hb_promote_d;
  logic [63:0] hb_id_q [HitBuckets*HitLanes];
  logic [63:0] hb_accept_q [HitBuckets*HitLanes];
  logic [PaW-1:0] hb_pa_q [HitBuckets*HitLanes];
  logic [LevelW-1:0] hb_level_q [HitBuckets*HitLanes];
  logic [3:0] hb_fault_q [HitBuckets*HitLanes];
  logic [3:0] hb_hit_q [HitBuckets*HitLanes];
  logic [NumTlbs-1:0] hb_fill_mask_q [HitBuckets*HitLanes];
  logic [NumTlbs-1:0] hb_hit_tlb_q [HitBuckets*HitLanes];  // one-hot, lookup order
  logic [VaW-1:0] hb_vpn_q [HitBuckets*HitLanes];
  logic [PaW-1:0] hb_ppn_q [HitBuckets*HitLanes];
  logic [AsidW-1:0] hb_asid_q [HitBuckets*HitLanes];
  logic [PermW-1:0] hb_perm_q [HitBuckets*HitLanes];

  logic [BucketW-1:0] hit_bucket, now_bucket, next_bucket;
  logic [LaneW-1:0] hit_lane;
  logic hit_lane_found, hb_write;
  logic [HitW-1:0] hb_write_idx;

  assign hit_bucket = now_q[BucketW-1:0] + lat_to_hit[BucketW-1:0];
  assign now_bucket = now_q[BucketW-1:0];
  assign next_bucket = now_d[BucketW-1:0];

  always_comb begin
    hit_lane_found = 1'b0;
    hit_lane = '0;
    for (int unsigned l = 0; l < HitLanes; l++) begin
      if (!hit_lane_found && !hb_valid_q[32'(hit_bucket) * HitLanes + l]) begin
        hit_lane_found = 1'b1;
        hit_lane = LaneW'(l);
      end
    end
  end
  assign hb_write = req_fire && req_hits && hit_lane_found;
  assign hb_write_idx = HitW'(32'(hit_bucket) * HitLanes + 32'(hit_lane));

  // ---------------------------------------------------------------- walk jobs
  // A pool of MaxJobs job slots (a slot is taken at the miss and freed when
  // its walk completes, in any order), the wait FIFO of the slots not yet
  // started (creation order: jobs start FIFO), and each walker's slot.
  logic [MaxJobs-1:0] job_valid_q, job_valid_d, job_mergeable_q, job_mergeable_d;
  // bit i*MaxJobs+j: job i was created before job j (both live)
  logic [MaxJobs*MaxJobs-1:0] job_older_q, job_older_d;
  logic [63:0] job_id_q [MaxJobs];
  logic [VaW-1:0] job_va_q [MaxJobs];
  logic [AsidW-1:0] job_asid_q [MaxJobs];
  logic [1:0] job_access_q [MaxJobs];
  logic job_priv_q [MaxJobs];
  logic [63:0] job_ready_q [MaxJobs];
  logic [NumTlbs-1:0] job_path_q [MaxJobs];
  logic [JobW-1:0] wq_slot_q [MaxJobs];
  logic [JobW-1:0] wq_head_q, wq_head_d, wq_tail;
  logic [JobW:0] wq_count_q, wq_count_d;

  function automatic logic [JobW-1:0] wq_index(logic [JobW-1:0] idx, int unsigned k);
    return JobW'((32'(idx) + k) % MaxJobs);
  endfunction

  // the lowest free slot takes a new job
  logic job_free_found;
  logic [JobW-1:0] job_free;
  always_comb begin
    job_free_found = 1'b0;
    job_free = '0;
    for (int unsigned j = 0; j < MaxJobs; j++) begin
      if (!job_free_found && !job_valid_q[j]) begin
        job_free_found = 1'b1;
        job_free = JobW'(j);
      end
    end
  end

  assign wq_tail = wq_index(wq_head_q, 32'(wq_count_q));
  assign req_ready_o = job_free_found;
  assign req_fire = req_valid_i && req_ready_o;

  // merging: a miss on a page a live, mergeable job is walking (or waits to
  // walk) for the same access type and privilege joins the oldest such job
  logic [MaxJobs-1:0] merge_match;
  logic merge_hit;
  logic [JobW-1:0] merge_job;
  always_comb begin
    for (int unsigned j = 0; j < MaxJobs; j++) begin
      merge_match[j] = cfg_merge_i && job_valid_q[j] && job_mergeable_q[j] &&
          job_asid_q[j] == req_asid_i && job_va_q[j][VaW-1:12] == req_va_i[VaW-1:12] &&
          job_access_q[j] == req_access_i && job_priv_q[j] == req_priv_i;
    end
    merge_hit = 1'b0;
    merge_job = '0;
    for (int unsigned j = 0; j < MaxJobs; j++) begin
      logic older_match;
      older_match = 1'b0;
      for (int unsigned i = 0; i < MaxJobs; i++) begin
        if (merge_match[i] && job_older_q[i*MaxJobs + j]) older_match = 1'b1;
      end
      if (merge_match[j] && !older_match) begin
        merge_hit = 1'b1;
        merge_job = JobW'(j);
      end
    end
  end

  logic new_job, new_merge;
  logic [63:0] req_ready_cycle;   // Q: when the miss reaches the walkers
  assign req_ready_cycle = now_q + (path_hit ? 64'(lat_to_hit) : 64'(lat_path));
  // with every merge slot taken the miss walks on its own (walker.merge_slots)
  assign new_merge = req_fire && req_walks && merge_hit && mg_free_found;
  assign new_job = req_fire && req_walks && !(merge_hit && mg_free_found);

  // ---------------------------------------------------------------- walk starts
  // Start port k is the k-th job of the wait FIFO; it starts when the jobs
  // before it start (FIFO), it is ready and a walker is idle: the lowest
  // idle walker not taken by an earlier port (docs/timing.md §4).
  function automatic logic va_canonical(logic [2:0] fmt, logic [VaW-1:0] va);
    logic [VaW-1:0] upper;
    int unsigned va_bits;
    case (fmt)
      FmtX86L5, FmtSv57: va_bits = 57;
      FmtSv39:           va_bits = 39;
      default:           va_bits = 48;
    endcase
    upper = va >> (va_bits - 1);
    return upper == '0 || upper == ({VaW{1'b1}} >> (va_bits - 1));
  endfunction

  logic [NumWalkers-1:0] wk_idle, wk_done, wk_start;
  logic [NumWalkers-1:0] wk_retry, wk_final;  // a finishing walk is retried / answers
  logic [NumWalkers*WkW-1:0] wk_port;          // the start port of a starting walker
  logic [NumWalkers-1:0] sp_valid;             // start port k starts a walk
  logic [NumWalkers*JobW-1:0] sp_slot;
  logic [NumWalkers*VaW-1:0] sp_va;
  logic [NumWalkers-1:0] sp_lookup;
  logic [$clog2(NumWalkers + 1)-1:0] starts;

  always_comb begin
    logic [NumWalkers-1:0] free;
    logic go, found;
    logic [JobW-1:0] slot;
    free = wk_idle;
    go = 1'b1;
    starts = '0;
    sp_valid = '0;
    sp_slot = '0;
    sp_asid = '0;
    sp_va = '0;
    wk_start = '0;
    wk_port = '0;
    for (int unsigned k = 0; k < NumWalkers; k++) begin
      slot = wq_slot_q[wq_index(wq_head_q, k)];
      sp_slot[k*JobW +: JobW] = slot;
      sp_asid[k*AsidW +: AsidW] = job_asid_q[slot];
      sp_va[k*VaW +: VaW] = job_va_q[slot];
      go = go && k < 32'(wq_count_q) && job_ready_q[slot] <= now_q && free != '0;
      found = 1'b0;
      for (int unsigned w = 0; w < NumWalkers; w++) begin
        if (go && !found && free[w]) begin
          found = 1'b1;
          free[w] = 1'b0;
          sp_valid[k] = 1'b1;
          wk_start[w] = 1'b1;
          wk_port[w*WkW +: WkW] = WkW'(k);
          starts = starts + 1'b1;
        end
      end
    end
  end

  for (genvar k = 0; k < NumWalkers; k++) begin : g_start_port
    assign sp_lookup[k] = sp_valid[k] && va_canonical(sp_ctx[k*CtxW +: 3], sp_va[k*VaW +: VaW]) &&
                          (PwcDesign == PwcSplit || PwcDesign == PwcUnified);
  end

  // ---------------------------------------------------------------- walkers
  logic [NumWalkers-1:0] pwc_hit;
  logic [NumWalkers*LevelW-1:0] pwc_hit_level;
  logic [NumWalkers*PaW-1:0] pwc_hit_table;
  logic [NumWalkers*PermW-1:0] pwc_hit_perm;
  logic [NumWalkers-1:0] pwc_hit_global;

  // per walker: the slot of its job (in its start cycle, the starting one),
  // the walk's result, and what the walker registers about its walk
  logic [NumWalkers*JobW-1:0] wk_slot;
  logic [JobW-1:0] wk_slot_q [NumWalkers];
  logic [NumWalkers-1:0] wk_dropped_q, wk_dropped_d;
  logic [63:0] wk_start_cycle_q [NumWalkers];
  logic [LevelW-1:0] wk_pwc_level_q [NumWalkers];
  logic [NumWalkers*4-1:0] walk_fault;
  logic [NumWalkers*PaW-1:0] walk_pa;
  logic [NumWalkers*LevelW-1:0] walk_leaf_level, walk_pte_cache_level;
  logic [NumWalkers*PermW-1:0] walk_perm;
  logic [NumWalkers*8-1:0] walk_pte_reads, walk_pte_writes;
  logic [NumWalkers*MaxLevels-1:0] walk_pwc_fill_mask, walk_pwc_fill_global, walk_pte_fill_mask;
  logic [NumWalkers*MaxLevels*PaW-1:0] walk_pwc_fill_table, walk_pte_fill_pa;
  logic [NumWalkers*MaxLevels*PermW-1:0] walk_pwc_fill_perm;
  logic [NumWalkers*MaxLevels*PteW-1:0] walk_pte_fill_val;
  logic [NumWalkers-1:0] probe_valid, probe_hit;
  logic [NumWalkers*PaW-1:0] probe_pa;
  logic [NumWalkers*LevelW-1:0] probe_level;
  logic [NumWalkers*PteW-1:0] probe_data;
  // the fills of a walk finishing now are dropped if a flush came while it
  // ran (a walk may finish in the cycle it starts: then the walker's
  // registers still describe its previous walk)
  logic [NumWalkers-1:0] walk_fill_ok;
  logic [NumWalkers*64-1:0] walk_start_cycle;
  logic [NumWalkers*LevelW-1:0] walk_rsp_pwc_level;  // as every request merged into it sees it

  for (genvar w = 0; w < NumWalkers; w++) begin : g_walker
    logic [WkW-1:0] port;
    logic [JobW-1:0] slot;
    logic [CtxW-1:0] ctx;
    logic [PaW-1:0] mem_pa;
    logic [LevelW-1:0] start_level;
    logic unused_walk;
    assign unused_walk = ^start_level;

    assign port = wk_port[w*WkW +: WkW];
    assign slot = wk_start[w] ? sp_slot[32'(port)*JobW +: JobW] : wk_slot_q[w];
    assign wk_slot[w*JobW +: JobW] = slot;
    assign ctx = sp_ctx[32'(port)*CtxW +: CtxW];
    assign mem_req_pa_o[64*w +: 64] = 64'(mem_pa);
    assign mem_req_id_o[64*w +: 64] = job_id_q[slot];
    assign fault_valid_o[w] = wk_done[w] && walk_fault[4*w +: 4] != FaultNone;
    assign fault_id_o[64*w +: 64] = job_id_q[slot];
    assign fault_cause_o[4*w +: 4] = walk_fault[4*w +: 4];
    assign wk_retry[w] = fault_valid_o[w] && fault_retry_i[w];
    assign wk_final[w] = wk_done[w] && !wk_retry[w];
    assign walk_fill_ok[w] = wk_done[w] && !((wk_dropped_q[w] && !wk_start[w]) || flush_valid_i ||
                                             shot_down(job_asid_q[slot]));
    assign walk_start_cycle[64*w +: 64] = wk_start[w] ? now_q : wk_start_cycle_q[w];
    assign walk_rsp_pwc_level[LevelW*w +: LevelW] =
        PwcDesign == PwcPte ? walk_pte_cache_level[LevelW*w +: LevelW] :
        wk_start[w] ? (pwc_hit[port] ? pwc_hit_level[LevelW*32'(port) +: LevelW] : '0) :
                      wk_pwc_level_q[w];

    mmu_walker u_walker (
      .clk_i, .rst_ni,
      .idle_o(wk_idle[w]),
      .start_i(wk_start[w]),
      .va_i(job_va_q[slot]), .access_i(job_access_q[slot]), .priv_i(job_priv_q[slot]),
      .fmt_i(ctx[2:0]), .root_pa_i(ctx[54:3]), .pa_bits_i(ctx[61:55]), .ad_i(ctx[62]),
      .nxe_i(ctx[63]), .wp_i(ctx[64]), .smep_i(ctx[65]), .smap_i(ctx[66]),
      .sum_i(ctx[67]), .mxr_i(ctx[68]), .svnapot_i(ctx[69]), .svpbmt_i(ctx[70]),
      .from_valid_i(pwc_hit[port]), .from_level_i(pwc_hit_level[LevelW*32'(port) +: LevelW] - 1'b1),
      .from_table_pa_i(pwc_hit_table[PaW*32'(port) +: PaW]),
      .from_perm_i(pwc_hit_perm[PermW*32'(port) +: PermW]), .from_global_i(pwc_hit_global[port]),
      .pwc_probe_cycles_i(cfg_pwc_probe_cycles_i), .pte_cache_cycles_i(cfg_pte_cache_cycles_i),
      .step_cycles_i(cfg_step_cycles_i), .fill_cycles_i(cfg_fill_cycles_i),
      .probe_valid_o(probe_valid[w]), .probe_pa_o(probe_pa[PaW*w +: PaW]),
      .probe_level_o(probe_level[LevelW*w +: LevelW]),
      .probe_hit_i(probe_hit[w]), .probe_data_i(probe_data[PteW*w +: PteW]),
      .mem_req_valid_o(mem_req_valid_o[w]), .mem_req_pa_o(mem_pa),
      .mem_req_write_o(mem_req_write_o[w]), .mem_req_wdata_o(mem_req_wdata_o[PteW*w +: PteW]),
      .mem_req_level_o(mem_req_level_o[LevelW*w +: LevelW]),
      .mem_rsp_valid_i(mem_rsp_valid_i[w]), .mem_rsp_data_i(mem_rsp_data_i[PteW*w +: PteW]),
      .mem_rsp_error_i(mem_rsp_error_i[w]),
      .done_o(wk_done[w]), .fault_o(walk_fault[4*w +: 4]), .pa_o(walk_pa[PaW*w +: PaW]),
      .leaf_level_o(walk_leaf_level[LevelW*w +: LevelW]), .perm_o(walk_perm[PermW*w +: PermW]),
      .pte_reads_o(walk_pte_reads[8*w +: 8]), .pte_writes_o(walk_pte_writes[8*w +: 8]),
      .pte_cache_hit_level_o(walk_pte_cache_level[LevelW*w +: LevelW]), .start_level_o(start_level),
      .pwc_fill_mask_o(walk_pwc_fill_mask[MaxLevels*w +: MaxLevels]),
      .pwc_fill_table_o(walk_pwc_fill_table[MaxLevels*PaW*w +: MaxLevels*PaW]),
      .pwc_fill_perm_o(walk_pwc_fill_perm[MaxLevels*PermW*w +: MaxLevels*PermW]),
      .pwc_fill_global_o(walk_pwc_fill_global[MaxLevels*w +: MaxLevels]),
      .pte_fill_mask_o(walk_pte_fill_mask[MaxLevels*w +: MaxLevels]),
      .pte_fill_pa_o(walk_pte_fill_pa[MaxLevels*PaW*w +: MaxLevels*PaW]),
      .pte_fill_val_o(walk_pte_fill_val[MaxLevels*PteW*w +: MaxLevels*PteW])
    );
  end

  assign walk_busy_o = wk_idle != '1;

  // ---------------------------------------------------------------- fill order
  // Fills due next cycle go to the TLBs and the walk cache in the order the
  // model scheduled them (docs/timing.md, Ordering): a promotion at its
  // accept cycle A, a walk at its start S, at equal cycles the walks first,
  // walks started in one cycle in walker order (the lowest idle walker takes
  // the oldest job). wk_rank: the place of a finishing walk among those
  // finishing now.
  logic [NumWalkers*WkW-1:0] wk_rank;
  always_comb begin
    for (int unsigned w = 0; w < NumWalkers; w++) begin
      logic [WkW-1:0] r;
      r = '0;
      for (int unsigned v = 0; v < NumWalkers; v++) begin
        if (wk_done[v] && (walk_start_cycle[64*v +: 64] < walk_start_cycle[64*w +: 64] ||
                           (walk_start_cycle[64*v +: 64] == walk_start_cycle[64*w +: 64] && v < w))) begin
          r = r + 1'b1;
        end
      end
      wk_rank[w*WkW +: WkW] = r;
    end
  end

  // ---------------------------------------------------------------- walk cache
  // fill port r: the walk of rank r finishing now
  logic [NumWalkers-1:0] pwc_fill_valid;
  logic [NumWalkers*AsidW-1:0] pwc_fill_asid;
  logic [NumWalkers*VaW-1:0] pwc_fill_va;
  logic [NumWalkers*MaxLevels-1:0] pwc_fill_mask, pwc_fill_global, pte_fill_mask;
  logic [NumWalkers*MaxLevels*PaW-1:0] pwc_fill_table, pte_fill_pa;
  logic [NumWalkers*MaxLevels*PermW-1:0] pwc_fill_perm;
  logic [NumWalkers*MaxLevels*PteW-1:0] pte_fill_val;

  always_comb begin
    pwc_fill_valid = '0;
    pwc_fill_asid = '0;
    pwc_fill_va = '0;
    pwc_fill_mask = '0;
    pwc_fill_global = '0;
    pwc_fill_table = '0;
    pwc_fill_perm = '0;
    pte_fill_mask = '0;
    pte_fill_pa = '0;
    pte_fill_val = '0;
    for (int unsigned w = 0; w < NumWalkers; w++) begin
      int unsigned r;
      logic [JobW-1:0] slot;
      r = 32'(wk_rank[w*WkW +: WkW]);
      slot = wk_slot[w*JobW +: JobW];
      if (wk_done[w]) begin
        pwc_fill_valid[r] = walk_fill_ok[w];
        pwc_fill_asid[r*AsidW +: AsidW] = job_asid_q[slot];
        pwc_fill_va[r*VaW +: VaW] = job_va_q[slot];
        pwc_fill_mask[r*MaxLevels +: MaxLevels] = walk_pwc_fill_mask[w*MaxLevels +: MaxLevels];
        pwc_fill_global[r*MaxLevels +: MaxLevels] = walk_pwc_fill_global[w*MaxLevels +: MaxLevels];
        pwc_fill_table[r*MaxLevels*PaW +: MaxLevels*PaW] = walk_pwc_fill_table[w*MaxLevels*PaW +: MaxLevels*PaW];
        pwc_fill_perm[r*MaxLevels*PermW +: MaxLevels*PermW] =
            walk_pwc_fill_perm[w*MaxLevels*PermW +: MaxLevels*PermW];
        pte_fill_mask[r*MaxLevels +: MaxLevels] = walk_pte_fill_mask[w*MaxLevels +: MaxLevels];
        pte_fill_pa[r*MaxLevels*PaW +: MaxLevels*PaW] = walk_pte_fill_pa[w*MaxLevels*PaW +: MaxLevels*PaW];
        pte_fill_val[r*MaxLevels*PteW +: MaxLevels*PteW] =
            walk_pte_fill_val[w*MaxLevels*PteW +: MaxLevels*PteW];
      end
    end
  end

  logic [MaxLevels*64-1:0] pwc_stat_lookups, pwc_stat_hits, pwc_stat_fills;
  logic unused_pwc_stats;
  // walk-cache statistics are recomputed by the harness from the responses
  assign unused_pwc_stats = ^{pwc_stat_lookups, pwc_stat_hits, pwc_stat_fills};

  mmu_pwc #(
    .Design(PwcDesign), .Levels(PwcLevels),
    .LevelEntries(PwcLevelEntries), .LevelWays(PwcLevelWays),
    .Entries(PwcEntries), .Ways(PwcWays),
    .Replacement(PwcReplacement), .LfsrSeed(PwcLfsrSeed),
    .FillPorts(NumWalkers), .ProbePorts(NumWalkers), .LookupPorts(NumWalkers), .SdLanes(SdLanes),
    .Shootdowns(Shootdowns)
  ) u_pwc (
    .clk_i, .rst_ni,
    .lookup_valid_i(sp_lookup), .lookup_asid_i(sp_asid), .lookup_va_i(sp_va),
    .lookup_hit_o(pwc_hit), .lookup_level_o(pwc_hit_level), .lookup_table_pa_o(pwc_hit_table),
    .lookup_perm_o(pwc_hit_perm), .lookup_global_o(pwc_hit_global),
    .probe_valid_i(probe_valid), .probe_pa_i(probe_pa), .probe_level_i(probe_level),
    .probe_hit_o(probe_hit), .probe_data_o(probe_data),
    .flush_valid_i(flush_valid_i), .flush_op_i(pwc_flush_op), .flush_asid_i(pwc_flush_asid),
    .flush_va_i(flush_va_i), .flush_include_global_i(pwc_flush_global),
    .flush_all_asids_i(pwc_flush_all_asids),
    .sd_valid_i(sd_valid), .sd_asid_i, .sd_va_i,
    .fill_valid_i(pwc_fill_valid), .fill_asid_i(pwc_fill_asid), .fill_va_i(pwc_fill_va),
    .fill_level_mask_i(PwcDesign == PwcSplit || PwcDesign == PwcUnified ? pwc_fill_mask : '0),
    .fill_table_i(pwc_fill_table), .fill_perm_i(pwc_fill_perm),
    .fill_global_mask_i(pwc_fill_global),
    .fill_pte_mask_i(PwcDesign == PwcPte ? pte_fill_mask : '0), .fill_pte_pa_i(pte_fill_pa),
    .fill_pte_val_i(pte_fill_val),
    .stat_lookups_o(pwc_stat_lookups), .stat_hits_o(pwc_stat_hits), .stat_fills_o(pwc_stat_fills)
  );

  // ---------------------------------------------------------------- TLB fills
  // Due at the next cycle: the promotions of the hits answering then (lanes
  // of the next bucket, in accept order) and the fills of the walks
  // finishing now, each at its place in the order above.
  logic fill_ports_short;
  always_comb begin
    int unsigned port;
    logic [HitW-1:0] idx;
    logic [JobW-1:0] slot;
    logic [LevelW-1:0] leaf;
    port = 0;
    idx = '0;
    slot = '0;
    leaf = '0;
    fill_ports_short = 1'b0;
    fill_mask = '0;
    fill_hit_tlb = '0;
    fill_vpn = '0;
    fill_ppn = '0;
    fill_asid = '0;
    fill_level = '0;
    fill_perm = '0;
    for (int unsigned l = 0; l < HitLanes; l++) begin
      idx = HitW'(32'(next_bucket) * HitLanes + l);
      if (hb_valid_q[idx] && hb_promote_q[idx]) begin
        // the promotions before it, and the walks scheduled at or before its accept
        port = 0;
        for (int unsigned m = 0; m < l; m++) begin
          if (hb_valid_q[HitW'(32'(next_bucket) * HitLanes + m)] &&
              hb_promote_q[HitW'(32'(next_bucket) * HitLanes + m)]) port++;
        end
        for (int unsigned w = 0; w < NumWalkers; w++) begin
          if (wk_done[w] && walk_start_cycle[64*w +: 64] <= hb_accept_q[idx]) port++;
        end
        if (port < FillPorts) begin
          fill_vpn[VaW*port +: VaW] = hb_vpn_q[idx];
          fill_ppn[PaW*port +: PaW] = hb_ppn_q[idx];
          fill_asid[AsidW*port +: AsidW] = hb_asid_q[idx];
          fill_level[LevelW*port +: LevelW] = hb_level_q[idx];
          fill_perm[PermW*port +: PermW] = hb_perm_q[idx];
          // a dropped promotion neither fills nor moves its entry (exclusive)
          for (int unsigned i = 0; i < NumTlbs; i++) begin
            if (!flush_valid_i && !shot_down(hb_asid_q[idx]) && hb_fill_mask_q[idx][i])
              fill_mask[NumTlbs*port + i] = 1'b1;
          end
          if (!flush_valid_i && !shot_down(hb_asid_q[idx]))
            fill_hit_tlb[NumTlbs*port +: NumTlbs] = hb_hit_tlb_q[idx];
        end else begin
          fill_ports_short = 1'b1;
        end
      end
    end
    for (int unsigned w = 0; w < NumWalkers; w++) begin
      if (wk_done[w]) begin
        // the walks before it, and the promotions accepted before its start
        port = 32'(wk_rank[w*WkW +: WkW]);
        for (int unsigned l = 0; l < HitLanes; l++) begin
          idx = HitW'(32'(next_bucket) * HitLanes + l);
          if (hb_valid_q[idx] && hb_promote_q[idx] && hb_accept_q[idx] < walk_start_cycle[64*w +: 64]) port++;
        end
        slot = wk_slot[w*JobW +: JobW];
        leaf = walk_leaf_level[LevelW*w +: LevelW];
        if (port < FillPorts) begin
          fill_vpn[VaW*port +: VaW] = job_va_q[slot] >> page_shift(leaf);
          fill_ppn[PaW*port +: PaW] = walk_pa[PaW*w +: PaW] >> page_shift(leaf);
          fill_asid[AsidW*port +: AsidW] = job_asid_q[slot];
          fill_level[LevelW*port +: LevelW] = leaf;
          fill_perm[PermW*port +: PermW] = walk_perm[PermW*w +: PermW];
          for (int unsigned i = 0; i < NumTlbs; i++) begin
            if (walk_fill_ok[w] && walk_fault[4*w +: 4] == FaultNone && job_path_q[slot][i])
              fill_mask[NumTlbs*port + i] = 1'b1;
          end
        end else begin
          fill_ports_short = 1'b1;
        end
      end
    end
  end

  // ---------------------------------------------------------------- merged requests
  logic [MergeSlots-1:0] mg_valid_q, mg_valid_d, mg_bound_q, mg_bound_d;
  logic [63:0] mg_id_q [MergeSlots];
  logic [VaW-1:0] mg_va_q [MergeSlots];
  logic [63:0] mg_ready_q [MergeSlots];
  logic [63:0] mg_due_q [MergeSlots];
  logic [JobW-1:0] mg_job_q [MergeSlots];
  logic [PaW-1:0] mg_pa_q [MergeSlots];
  logic [LevelW-1:0] mg_level_q [MergeSlots];
  logic [3:0] mg_fault_q [MergeSlots];
  logic [LevelW-1:0] mg_pwc_level_q [MergeSlots];
  logic mg_free_found;
  logic [MergeW-1:0] mg_free;

  always_comb begin
    mg_free_found = 1'b0;
    mg_free = '0;
    for (int unsigned s = 0; s < MergeSlots; s++) begin
      if (!mg_free_found && !mg_valid_q[s]) begin
        mg_free_found = 1'b1;
        mg_free = MergeW'(s);
      end
    end
  end

  // the walker finishing the job of a slot now, if any
  function automatic logic slot_done(logic [NumWalkers-1:0] done, logic [NumWalkers*JobW-1:0] slots,
                                     logic [JobW-1:0] job);
    slot_done = 1'b0;
    for (int unsigned w = 0; w < NumWalkers; w++) begin
      if (done[w] && slots[w*JobW +: JobW] == job) slot_done = 1'b1;
    end
  endfunction

  // (an idle walker still names the slot of its last walk)
  function automatic logic [WkW-1:0] slot_walker(logic [NumWalkers-1:0] done,
                                                 logic [NumWalkers*JobW-1:0] slots, logic [JobW-1:0] job);
    slot_walker = '0;
    for (int unsigned w = 0; w < NumWalkers; w++) begin
      if (done[w] && slots[w*JobW +: JobW] == job) slot_walker = WkW'(w);
    end
  endfunction

  // what a walk answers a request merged into it: its translation with the
  // request's own page offset
  function automatic logic [PaW-1:0] merged_pa(logic [3:0] fault, logic [PaW-1:0] pa,
                                               logic [LevelW-1:0] leaf, logic [VaW-1:0] va);
    return fault == FaultNone ? compose_pa(pa >> page_shift(leaf), leaf, va) : '0;
  endfunction

  // joining the walk that finishes this very cycle: answered with it
  logic merge_into_done;
  logic [WkW-1:0] merge_walker;
  assign merge_into_done = slot_done(wk_final, wk_slot, merge_job);
  assign merge_walker = slot_walker(wk_final, wk_slot, merge_job);

  // ---------------------------------------------------------------- walk responses
  logic [NumWalkers-1:0] wr_valid_q, wr_valid_d;
  logic [63:0] wr_id_q [NumWalkers];
  logic [PaW-1:0] wr_pa_q [NumWalkers];
  logic [LevelW-1:0] wr_level_q [NumWalkers];
  logic [LevelW-1:0] wr_pwc_level_q [NumWalkers];
  logic [3:0] wr_fault_q [NumWalkers];
  logic [7:0] wr_reads_q [NumWalkers];
  logic [7:0] wr_writes_q [NumWalkers];
  assign wr_valid_d = wk_final;

  // ---------------------------------------------------------------- fault retries
  // A retried job keeps its slot and re-enters the wait FIFO at C + cost
  // (engine.c's FILL_RETRY): it is pushed at the edge into that cycle, after
  // the job the request port made in the cycle before, and retries due in
  // one cycle in the order the handler was called (a sequence number; walks
  // finishing together are handled in fill order).
  logic [MaxJobs-1:0] job_retry_q, job_retry_d;
  logic [63:0] job_retry_due_q [MaxJobs];
  logic [31:0] job_retry_seq_q [MaxJobs];
  logic [31:0] retry_seq_q, retry_seq_d;
  logic [NumWalkers*32-1:0] wk_retry_seq;   // a walk retried now
  logic [NumWalkers-1:0] wk_retry_now;      // retried at no cost: pushed at this edge
  logic [MaxJobs-1:0] retry_push;           // stored retries due next cycle
  logic [MaxJobs*JobW-1:0] retry_push_pos;
  logic [NumWalkers*JobW-1:0] wk_push_pos;
  logic [JobW:0] pushes;

  always_comb begin
    logic [JobW-1:0] base;
    int unsigned n, stored;
    base = wq_index(wq_tail, new_job ? 1 : 0);
    retry_push = '0;
    retry_push_pos = '0;
    wk_retry_seq = '0;
    wk_retry_now = '0;
    wk_push_pos = '0;
    stored = 0;
    for (int unsigned j = 0; j < MaxJobs; j++) begin
      retry_push[j] = job_retry_q[j] && job_retry_due_q[j] == now_d;
    end
    for (int unsigned j = 0; j < MaxJobs; j++) begin
      n = 0;
      for (int unsigned k = 0; k < MaxJobs; k++) begin
        // wrap-safe: at most MaxJobs sequence numbers are live
        if (retry_push[k] && $signed(job_retry_seq_q[k] - job_retry_seq_q[j]) < 0) n++;
      end
      retry_push_pos[j*JobW +: JobW] = wq_index(base, n);
      if (retry_push[j]) stored++;
    end
    retry_seq_d = retry_seq_q;
    for (int unsigned w = 0; w < NumWalkers; w++) begin
      wk_retry_now[w] = wk_retry[w] && fault_cycles_i[32*w +: 32] == '0;
      if (wk_retry[w]) retry_seq_d = retry_seq_d + 1'b1;
    end
    // walks retried at no cost follow the stored retries, in fill order
    for (int unsigned w = 0; w < NumWalkers; w++) begin
      logic [31:0] seq_offset;
      seq_offset = '0;
      n = stored;
      for (int unsigned v = 0; v < NumWalkers; v++) begin
        if (wk_retry[v] && wk_rank[v*WkW +: WkW] < wk_rank[w*WkW +: WkW]) seq_offset = seq_offset + 1'b1;
        if (wk_retry_now[v] && wk_rank[v*WkW +: WkW] < wk_rank[w*WkW +: WkW]) n++;
      end
      wk_retry_seq[32*w +: 32] = retry_seq_q + seq_offset;
      wk_push_pos[w*JobW +: JobW] = wq_index(base, n);
    end
    for (int unsigned w = 0; w < NumWalkers; w++) begin
      if (wk_retry_now[w]) stored++;
    end
    pushes = (JobW + 1)'(stored);
  end

  // ---------------------------------------------------------------- job and state updates
  logic [2:0] overflow_d, overflow_q;

  always_comb begin
    wq_head_d = wq_index(wq_head_q, 32'(starts));
    wq_count_d = wq_count_q - (JobW + 1)'(starts) + (JobW + 1)'(new_job) + pushes;
    job_valid_d = job_valid_q;
    job_mergeable_d = job_mergeable_q;
    job_older_d = job_older_q;
    job_retry_d = job_retry_q & ~retry_push;
    wk_dropped_d = wk_dropped_q;
    hb_valid_d = hb_valid_q;
    hb_promote_d = hb_promote_q;
    mg_valid_d = mg_valid_q;
    mg_bound_d = mg_bound_q;
    overflow_d = overflow_q | {fill_ports_short, ctx_full, 1'b0};

    // hits answering now leave their bucket
    for (int unsigned l = 0; l < HitLanes; l++) begin
      hb_valid_d[32'(now_bucket) * HitLanes + l] = 1'b0;
      hb_promote_d[32'(now_bucket) * HitLanes + l] = 1'b0;
    end
    // merged requests answering now leave their slot
    for (int unsigned s = 0; s < MergeSlots; s++) begin
      if (mg_valid_q[s] && mg_bound_q[s] && mg_due_q[s] == now_q) begin
        mg_valid_d[s] = 1'b0;
        mg_bound_d[s] = 1'b0;
      end
    end

    for (int unsigned w = 0; w < NumWalkers; w++) begin
      if (wk_start[w]) wk_dropped_d[w] = 1'b0;
      // a retried walk's job waits for its time (or re-enters the FIFO now)
      if (wk_retry[w] && !wk_retry_now[w]) job_retry_d[wk_slot[w*JobW +: JobW]] = 1'b1;
      // a finishing walk frees its slot and answers the requests merged into it
      if (wk_final[w]) begin
        job_valid_d[wk_slot[w*JobW +: JobW]] = 1'b0;
        for (int unsigned s = 0; s < MergeSlots; s++) begin
          if (mg_valid_q[s] && !mg_bound_q[s] && mg_job_q[s] == wk_slot[w*JobW +: JobW]) mg_bound_d[s] = 1'b1;
        end
      end
    end

    if (req_fire && req_hits) begin
      if (!hit_lane_found || lat_to_hit >= 12'(HitBuckets)) begin
        overflow_d[0] = 1'b1;
      end else begin
        hb_valid_d[hb_write_idx] = 1'b1;
        // a hit below the first TLB of its path refills the ones above it
        hb_promote_d[hb_write_idx] = hit_fault == FaultNone && (above_hit & tlb_on_path) != '0;
      end
    end
    if (new_job) begin
      job_valid_d[job_free] = 1'b1;
      job_mergeable_d[job_free] = 1'b1;
      // every other live job is older than the new one
      for (int unsigned i = 0; i < MaxJobs; i++) begin
        job_older_d[i*MaxJobs + 32'(job_free)] = i != 32'(job_free);
        job_older_d[32'(job_free)*MaxJobs + i] = 1'b0;
      end
    end
    if (new_merge) begin
      mg_valid_d[mg_free] = 1'b1;
      if (merge_into_done) mg_bound_d[mg_free] = 1'b1;
    end
    if (!req_ctx_found && req_fire) overflow_d[1] = 1'b1;

    // a flush: in-flight fills are dropped and live walks close to merging
    if (flush_valid_i) begin
      hb_promote_d = '0;
      job_mergeable_d = '0;
      wk_dropped_d = ~wk_idle | wk_start;
    end
    // a shootdown does the same to one address space: the promotions of its
    // entries (the one scheduled now too), its walks, its jobs (the new one too)
    if (sd_valid != '0) begin
      for (int unsigned i = 0; i < HitBuckets * HitLanes; i++) begin
        if (shot_down(HitW'(i) == hb_write_idx && req_fire && req_hits ? hit_entry_asid : hb_asid_q[i]))
          hb_promote_d[i] = 1'b0;
      end
      for (int unsigned j = 0; j < MaxJobs; j++) begin
        if (shot_down(new_job && JobW'(j) == job_free ? req_asid_i : job_asid_q[j]))
          job_mergeable_d[j] = 1'b0;
      end
      for (int unsigned w = 0; w < NumWalkers; w++) begin
        if ((!wk_idle[w] || wk_start[w]) && shot_down(job_asid_q[wk_slot[w*JobW +: JobW]]))
          wk_dropped_d[w] = 1'b1;
      end
    end
  end

  // ---------------------------------------------------------------- responses
  always_comb begin
    rsp_valid_o = '0;
    rsp_id_o = '0;
    rsp_pa_o = '0;
    rsp_level_o = '0;
    rsp_fault_o = '0;
    rsp_hit_o = '0;
    rsp_pwc_level_o = '0;
    rsp_pte_reads_o = '0;
    rsp_pte_writes_o = '0;
    rsp_merged_o = '0;
    for (int unsigned l = 0; l < HitLanes; l++) begin
      logic [HitW-1:0] idx;
      idx = HitW'(32'(now_bucket) * HitLanes + l);
      rsp_valid_o[l] = hb_valid_q[idx];
      rsp_id_o[64*l +: 64] = hb_id_q[idx];
      rsp_pa_o[PaW*l +: PaW] = hb_pa_q[idx];
      rsp_level_o[LevelW*l +: LevelW] = hb_level_q[idx];
      rsp_fault_o[4*l +: 4] = hb_fault_q[idx];
      rsp_hit_o[4*l +: 4] = hb_hit_q[idx];
    end
    for (int unsigned w = 0; w < NumWalkers; w++) begin
      int unsigned lane;
      lane = HitLanes + w;
      rsp_valid_o[lane] = wr_valid_q[w];
      rsp_id_o[64*lane +: 64] = wr_id_q[w];
      rsp_pa_o[PaW*lane +: PaW] = wr_pa_q[w];
      rsp_level_o[LevelW*lane +: LevelW] = wr_level_q[w];
      rsp_fault_o[4*lane +: 4] = wr_fault_q[w];
      rsp_hit_o[4*lane +: 4] = HitWalk;
      rsp_pwc_level_o[LevelW*lane +: LevelW] = wr_pwc_level_q[w];
      rsp_pte_reads_o[8*lane +: 8] = wr_reads_q[w];
      rsp_pte_writes_o[8*lane +: 8] = wr_writes_q[w];
    end
    for (int unsigned s = 0; s < MergeSlots; s++) begin
      int unsigned lane;
      lane = HitLanes + NumWalkers + s;
      rsp_valid_o[lane] = mg_valid_q[s] && mg_bound_q[s] && mg_due_q[s] == now_q;
      rsp_id_o[64*lane +: 64] = mg_id_q[s];
      rsp_pa_o[PaW*lane +: PaW] = mg_pa_q[s];
      rsp_level_o[LevelW*lane +: LevelW] = mg_level_q[s];
      rsp_fault_o[4*lane +: 4] = mg_fault_q[s];
      rsp_hit_o[4*lane +: 4] = HitWalk;
      rsp_pwc_level_o[LevelW*lane +: LevelW] = mg_pwc_level_q[s];
      rsp_merged_o[lane] = 1'b1;
    end
  end

  assign overflow_o = overflow_q;

  // ---------------------------------------------------------------- registers
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      now_q <= '0;
      wq_head_q <= '0;
      wq_count_q <= '0;
      job_valid_q <= '0;
      job_mergeable_q <= '0;
      job_older_q <= '0;
      job_retry_q <= '0;
      retry_seq_q <= '0;
      wk_dropped_q <= '0;
      hb_valid_q <= '0;
      hb_promote_q <= '0;
      mg_valid_q <= '0;
      mg_bound_q <= '0;
      wr_valid_q <= '0;
      overflow_q <= '0;
    end else begin
      now_q <= now_d;
      wq_head_q <= wq_head_d;
      wq_count_q <= wq_count_d;
      job_valid_q <= job_valid_d;
      job_mergeable_q <= job_mergeable_d;
      job_older_q <= job_older_d;
      job_retry_q <= job_retry_d;
      retry_seq_q <= retry_seq_d;
      wk_dropped_q <= wk_dropped_d;
      hb_valid_q <= hb_valid_d;
      hb_promote_q <= hb_promote_d;
      mg_valid_q <= mg_valid_d;
      mg_bound_q <= mg_bound_d;
      wr_valid_q <= wr_valid_d;
      overflow_q <= overflow_d;
    end
  end

  // storage written only where the valid bits above say so
  always_ff @(posedge clk_i) begin
    if (hb_write) begin
      hb_id_q[hb_write_idx] <= req_id_i;
      hb_accept_q[hb_write_idx] <= now_q;
      hb_pa_q[hb_write_idx] <= hit_fault == FaultNone ? compose_pa(hit_ppn, hit_level, req_va_i) : '0;
      hb_level_q[hb_write_idx] <= hit_fault == FaultNone ? hit_level : '0;
      hb_fault_q[hb_write_idx] <= hit_fault;
      hb_hit_q[hb_write_idx] <= TlbIndex[4*hit_k +: 4];
      hb_fill_mask_q[hb_write_idx] <= above_hit & tlb_on_path;
      hb_hit_tlb_q[hb_write_idx] <= NumTlbs'(1) << hit_k;
      hb_vpn_q[hb_write_idx] <= req_va_i >> page_shift(hit_level);
      hb_ppn_q[hb_write_idx] <= hit_ppn;
      hb_asid_q[hb_write_idx] <= hit_entry_asid;
      hb_perm_q[hb_write_idx] <= hit_perm;
    end
    if (new_job) begin
      job_id_q[job_free] <= req_id_i;
      job_va_q[job_free] <= req_va_i;
      job_asid_q[job_free] <= req_asid_i;
      job_access_q[job_free] <= req_access_i;
      job_priv_q[job_free] <= req_priv_i;
      job_ready_q[job_free] <= req_ready_cycle;
      job_path_q[job_free] <= tlb_on_path;
      wq_slot_q[wq_tail] <= job_free;
    end
    for (int unsigned j = 0; j < MaxJobs; j++) begin
      if (retry_push[j]) wq_slot_q[retry_push_pos[j*JobW +: JobW]] <= JobW'(j);
    end
    for (int unsigned w = 0; w < NumWalkers; w++) begin
      if (wk_start[w]) begin
        wk_slot_q[w] <= wk_slot[w*JobW +: JobW];
        wk_start_cycle_q[w] <= now_q;
        wk_pwc_level_q[w] <= pwc_hit[wk_port[w*WkW +: WkW]] ?
                             pwc_hit_level[LevelW*32'(wk_port[w*WkW +: WkW]) +: LevelW] : '0;
      end
      if (wk_retry_now[w]) wq_slot_q[wk_push_pos[w*JobW +: JobW]] <= wk_slot[w*JobW +: JobW];
      if (wk_retry[w]) begin
        job_retry_due_q[wk_slot[w*JobW +: JobW]] <= now_d + 64'(fault_cycles_i[32*w +: 32]);
        job_retry_seq_q[wk_slot[w*JobW +: JobW]] <= wk_retry_seq[32*w +: 32];
      end
      // the walk's response, registered: it answers in its completion cycle
      if (wk_done[w]) begin
        wr_id_q[w] <= job_id_q[wk_slot[w*JobW +: JobW]];
        wr_fault_q[w] <= walk_fault[4*w +: 4];
        wr_pa_q[w] <= walk_fault[4*w +: 4] == FaultNone ? walk_pa[PaW*w +: PaW] : '0;
        wr_level_q[w] <= walk_fault[4*w +: 4] == FaultNone ? walk_leaf_level[LevelW*w +: LevelW] : '0;
        wr_pwc_level_q[w] <= walk_rsp_pwc_level[LevelW*w +: LevelW];
        wr_reads_q[w] <= walk_pte_reads[8*w +: 8];
        wr_writes_q[w] <= walk_pte_writes[8*w +: 8];
      end
    end
    if (new_merge) begin
      if (merge_into_done) begin
        mg_due_q[mg_free] <= req_ready_cycle > now_d ? req_ready_cycle : now_d;
        mg_pa_q[mg_free] <= merged_pa(walk_fault[4*32'(merge_walker) +: 4],
                                      walk_pa[PaW*32'(merge_walker) +: PaW],
                                      walk_leaf_level[LevelW*32'(merge_walker) +: LevelW], req_va_i);
        mg_level_q[mg_free] <= walk_fault[4*32'(merge_walker) +: 4] == FaultNone ?
                               walk_leaf_level[LevelW*32'(merge_walker) +: LevelW] : '0;
        mg_fault_q[mg_free] <= walk_fault[4*32'(merge_walker) +: 4];
        mg_pwc_level_q[mg_free] <= walk_rsp_pwc_level[LevelW*32'(merge_walker) +: LevelW];
      end
      mg_id_q[mg_free] <= req_id_i;
      mg_va_q[mg_free] <= req_va_i;
      mg_ready_q[mg_free] <= req_ready_cycle;
      mg_job_q[mg_free] <= merge_job;
    end
    // a walk finishing now answers every request merged into it, each at
    // max(completion, its own ready cycle), with its own page offset
    for (int unsigned s = 0; s < MergeSlots; s++) begin
      if (mg_valid_q[s] && !mg_bound_q[s] && slot_done(wk_final, wk_slot, mg_job_q[s])) begin
        logic [WkW-1:0] w;
        w = slot_walker(wk_final, wk_slot, mg_job_q[s]);
        mg_due_q[s] <= mg_ready_q[s] > now_d ? mg_ready_q[s] : now_d;
        mg_pa_q[s] <= merged_pa(walk_fault[4*32'(w) +: 4], walk_pa[PaW*32'(w) +: PaW],
                                walk_leaf_level[LevelW*32'(w) +: LevelW], mg_va_q[s]);
        mg_level_q[s] <= walk_fault[4*32'(w) +: 4] == FaultNone ? walk_leaf_level[LevelW*32'(w) +: LevelW] : '0;
        mg_fault_q[s] <= walk_fault[4*32'(w) +: 4];
        mg_pwc_level_q[s] <= walk_rsp_pwc_level[LevelW*32'(w) +: LevelW];
      end
    end
  end

endmodule
