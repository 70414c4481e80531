// mmu_cosim_top.sv — mmu_top as the lockstep harness drives it; not part
// of the MMU (rtl/ knows nothing of it). Every input but the clock and the
// reset reaches mmu_top through a register loaded at the rising edge of
// latch_i.
//
// Why: Verilator 5 re-evaluates, at every eval() call, all the logic that
// depends on a top-level input; in mmu_top that is nearly all of it (a
// request's lookup and a PTE answer are used in the cycle they arrive).
// Driving mmu_top directly costs three passes over its logic per cycle —
// one for the cycle's inputs, one again at the clock edge, one for the new
// state — and the harness needs only the first. Behind these registers no
// logic depends on a top-level input, and the harness raises latch_i
// together with the clock: the edge that ends cycle t-1 and the inputs of
// cycle t take one pass over the logic (docs/rtl.md, "The harness").
// the coverage figures are those of rtl/, not of this wrapper
/* verilator coverage_off */
module mmu_cosim_top import mmu_pkg::*; import mmu_cfg_pkg::*; #(
  localparam int unsigned NumWalkers = CfgNumWalkers,
  localparam int unsigned RspLanes = CfgHitLanes + CfgNumWalkers + CfgMergeSlots,
  localparam int unsigned SdLanes = 2 * CfgNumWalkers
) (
  input  logic clk_i,
  input  logic rst_ni,
  input  logic latch_i,  // rising edge: the inputs below reach mmu_top
  input  logic [4*8-1:0] cfg_tlb_latency_i,
  input  logic [4*2-1:0] cfg_tlb_inclusion_i,
  input  logic [7:0] cfg_pwc_probe_cycles_i,
  input  logic [7:0] cfg_pte_cache_cycles_i,
  input  logic [7:0] cfg_step_cycles_i,
  input  logic [7:0] cfg_fill_cycles_i,
  input  logic cfg_merge_i,
  input  logic             ctx_we_i,
  input  logic [AsidW-1:0] ctx_asid_i,
  input  logic [CtxW-1:0]  ctx_i,
  input  logic             req_valid_i,
  output logic             req_ready_o,
  input  logic [63:0]      req_id_i,
  input  logic [VaW-1:0]   req_va_i,
  input  logic [AsidW-1:0] req_asid_i,
  input  logic [1:0]       req_access_i,
  input  logic             req_priv_i,
  input  logic             flush_valid_i,
  input  logic [2:0]       flush_kind_i,
  input  logic [AsidW-1:0] flush_asid_i,
  input  logic [VaW-1:0]   flush_va_i,
  input  logic [11:0]      flush_cr3_pcid_i,
  input  logic             flush_cr3_noflush_i,
  input  logic [1:0]       flush_invpcid_type_i,
  input  logic             flush_has_va_i,
  input  logic             flush_has_asid_i,
  output logic [NumWalkers-1:0]        mem_req_valid_o,
  output logic [NumWalkers*64-1:0]     mem_req_pa_o,
  output logic [NumWalkers-1:0]        mem_req_write_o,
  output logic [NumWalkers*PteW-1:0]   mem_req_wdata_o,
  output logic [NumWalkers*LevelW-1:0] mem_req_level_o,
  output logic [NumWalkers*64-1:0]     mem_req_id_o,
  input  logic [NumWalkers-1:0]        mem_rsp_valid_i,
  input  logic [NumWalkers*PteW-1:0]   mem_rsp_data_i,
  input  logic [NumWalkers-1:0]        mem_rsp_error_i,
  output logic [NumWalkers-1:0]        fault_valid_o,
  output logic [NumWalkers*64-1:0]     fault_id_o,
  output logic [NumWalkers*4-1:0]      fault_cause_o,
  input  logic [NumWalkers-1:0]        fault_retry_i,
  input  logic [NumWalkers*32-1:0]     fault_cycles_i,
  input  logic [SdLanes-1:0]           sd_valid_i,
  input  logic [SdLanes*AsidW-1:0]     sd_asid_i,
  input  logic [SdLanes*VaW-1:0]       sd_va_i,
  output logic [RspLanes-1:0]        rsp_valid_o,
  output logic [RspLanes*64-1:0]     rsp_id_o,
  output logic [RspLanes*PaW-1:0]    rsp_pa_o,
  output logic [RspLanes*LevelW-1:0] rsp_level_o,
  output logic [RspLanes*4-1:0]      rsp_fault_o,
  output logic [RspLanes*4-1:0]      rsp_hit_o,
  output logic [RspLanes*LevelW-1:0] rsp_pwc_level_o,
  output logic [RspLanes*8-1:0]      rsp_pte_reads_o,
  output logic [RspLanes*8-1:0]      rsp_pte_writes_o,
  output logic [RspLanes-1:0]        rsp_merged_o,
  output logic [63:0]      cycle_o,
  output logic             walk_busy_o,
  output logic [2:0]       overflow_o
);
  // the inputs as mmu_top sees them: one packed register, loaded whole
  typedef struct packed {
    logic [4*8-1:0] cfg_tlb_latency;
    logic [4*2-1:0] cfg_tlb_inclusion;
    logic [7:0] cfg_pwc_probe_cycles;
    logic [7:0] cfg_pte_cache_cycles;
    logic [7:0] cfg_step_cycles;
    logic [7:0] cfg_fill_cycles;
    logic cfg_merge;
    logic             ctx_we;
    logic [AsidW-1:0] ctx_asid;
    logic [CtxW-1:0]  ctx;
    logic             req_valid;
    logic [63:0]      req_id;
    logic [VaW-1:0]   req_va;
    logic [AsidW-1:0] req_asid;
    logic [1:0]       req_access;
    logic             req_priv;
    logic             flush_valid;
    logic [2:0]       flush_kind;
    logic [AsidW-1:0] flush_asid;
    logic [VaW-1:0]   flush_va;
    logic [11:0]      flush_cr3_pcid;
    logic             flush_cr3_noflush;
    logic [1:0]       flush_invpcid_type;
    logic             flush_has_va;
    logic             flush_has_asid;
    logic [NumWalkers-1:0]      mem_rsp_valid;
    logic [NumWalkers*PteW-1:0] mem_rsp_data;
    logic [NumWalkers-1:0]      mem_rsp_error;
    logic [NumWalkers-1:0]      fault_retry;
    logic [NumWalkers*32-1:0]   fault_cycles;
    logic [SdLanes-1:0]         sd_valid;
    logic [SdLanes*AsidW-1:0]   sd_asid;
    logic [SdLanes*VaW-1:0]     sd_va;
  } inputs_t;

  inputs_t in_d, in_q;

  always_comb begin
    in_d = '{
      cfg_tlb_latency: cfg_tlb_latency_i, cfg_tlb_inclusion: cfg_tlb_inclusion_i,
      cfg_pwc_probe_cycles: cfg_pwc_probe_cycles_i, cfg_pte_cache_cycles: cfg_pte_cache_cycles_i,
      cfg_step_cycles: cfg_step_cycles_i, cfg_fill_cycles: cfg_fill_cycles_i,
      cfg_merge: cfg_merge_i,
      ctx_we: ctx_we_i, ctx_asid: ctx_asid_i, ctx: ctx_i,
      req_valid: req_valid_i, req_id: req_id_i, req_va: req_va_i, req_asid: req_asid_i,
      req_access: req_access_i, req_priv: req_priv_i,
      flush_valid: flush_valid_i, flush_kind: flush_kind_i, flush_asid: flush_asid_i,
      flush_va: flush_va_i, flush_cr3_pcid: flush_cr3_pcid_i,
      flush_cr3_noflush: flush_cr3_noflush_i, flush_invpcid_type: flush_invpcid_type_i,
      flush_has_va: flush_has_va_i, flush_has_asid: flush_has_asid_i,
      mem_rsp_valid: mem_rsp_valid_i, mem_rsp_data: mem_rsp_data_i,
      mem_rsp_error: mem_rsp_error_i,
      fault_retry: fault_retry_i, fault_cycles: fault_cycles_i,
      sd_valid: sd_valid_i, sd_asid: sd_asid_i, sd_va: sd_va_i
    };
  end

  // no reset: the harness latches every input before the reset ends
  always_ff @(posedge latch_i) begin
    in_q <= in_d;
  end

  mmu_top u_mmu (
    .clk_i,
    .rst_ni,
    .cfg_tlb_latency_i(in_q.cfg_tlb_latency),
    .cfg_tlb_inclusion_i(in_q.cfg_tlb_inclusion),
    .cfg_pwc_probe_cycles_i(in_q.cfg_pwc_probe_cycles),
    .cfg_pte_cache_cycles_i(in_q.cfg_pte_cache_cycles),
    .cfg_step_cycles_i(in_q.cfg_step_cycles),
    .cfg_fill_cycles_i(in_q.cfg_fill_cycles),
    .cfg_merge_i(in_q.cfg_merge),
    .ctx_we_i(in_q.ctx_we),
    .ctx_asid_i(in_q.ctx_asid),
    .ctx_i(in_q.ctx),
    .req_valid_i(in_q.req_valid),
    .req_ready_o,
    .req_id_i(in_q.req_id),
    .req_va_i(in_q.req_va),
    .req_asid_i(in_q.req_asid),
    .req_access_i(in_q.req_access),
    .req_priv_i(in_q.req_priv),
    .flush_valid_i(in_q.flush_valid),
    .flush_kind_i(in_q.flush_kind),
    .flush_asid_i(in_q.flush_asid),
    .flush_va_i(in_q.flush_va),
    .flush_cr3_pcid_i(in_q.flush_cr3_pcid),
    .flush_cr3_noflush_i(in_q.flush_cr3_noflush),
    .flush_invpcid_type_i(in_q.flush_invpcid_type),
    .flush_has_va_i(in_q.flush_has_va),
    .flush_has_asid_i(in_q.flush_has_asid),
    .mem_req_valid_o,
    .mem_req_pa_o,
    .mem_req_write_o,
    .mem_req_wdata_o,
    .mem_req_level_o,
    .mem_req_id_o,
    .mem_rsp_valid_i(in_q.mem_rsp_valid),
    .mem_rsp_data_i(in_q.mem_rsp_data),
    .mem_rsp_error_i(in_q.mem_rsp_error),
    .fault_valid_o,
    .fault_id_o,
    .fault_cause_o,
    .fault_retry_i(in_q.fault_retry),
    .fault_cycles_i(in_q.fault_cycles),
    .sd_valid_i(in_q.sd_valid),
    .sd_asid_i(in_q.sd_asid),
    .sd_va_i(in_q.sd_va),
    .rsp_valid_o,
    .rsp_id_o,
    .rsp_pa_o,
    .rsp_level_o,
    .rsp_fault_o,
    .rsp_hit_o,
    .rsp_pwc_level_o,
    .rsp_pte_reads_o,
    .rsp_pte_writes_o,
    .rsp_merged_o,
    .cycle_o,
    .walk_busy_o,
    .overflow_o
  );
endmodule
