// mmu_ctx_table.sv — the translation context of every address space the
// MMU knows (walk_ctx: format, root, MAXPHYADDR, A/D mode, CR0/CR4/EFER or
// sstatus/menvcfg bits), keyed by ASID: the RTL's copy of CR3/satp per
// PCID/ASID. Written through one port (in force in the cycle of the write);
// combinational read ports: one for the request's permission check, one
// per walk that may start in a cycle.
module mmu_ctx_table import mmu_pkg::*; #(
  parameter int unsigned NumCtx = 16,
  parameter int unsigned JobPorts = 1
) (
  input  logic clk_i,
  input  logic rst_ni,
  input  logic             we_i,
  input  logic [AsidW-1:0] we_asid_i,
  input  logic [CtxW-1:0]  we_ctx_i,
  input  logic [AsidW-1:0] rd0_asid_i,
  output logic             rd0_found_o,
  output logic [CtxW-1:0]  rd0_ctx_o,
  input  logic [JobPorts*AsidW-1:0] job_asid_i,
  output logic [JobPorts-1:0]       job_found_o,
  output logic [JobPorts*CtxW-1:0]  job_ctx_o,
  output logic             full_o        // a write found no slot: more address spaces than NumCtx
);
  localparam int unsigned IdxW = NumCtx > 1 ? $clog2(NumCtx) : 1;

  logic [NumCtx-1:0] valid_d, valid_q;
  logic [AsidW-1:0] asid_q [NumCtx];
  logic [CtxW-1:0] ctx_q [NumCtx];
  logic write_en;
  logic [IdxW-1:0] write_idx;
  logic full_d, full_q;

  always_comb begin
    rd0_found_o = 1'b0;
    rd0_ctx_o = '0;
    job_found_o = '0;
    job_ctx_o = '0;
    for (int unsigned i = 0; i < NumCtx; i++) begin
      if (valid_q[i] && asid_q[i] == rd0_asid_i) begin
        rd0_found_o = 1'b1;
        rd0_ctx_o = ctx_q[i];
      end
      for (int unsigned p = 0; p < JobPorts; p++) begin
        if (valid_q[i] && asid_q[i] == job_asid_i[p*AsidW +: AsidW]) begin
          job_found_o[p] = 1'b1;
          job_ctx_o[p*CtxW +: CtxW] = ctx_q[i];
        end
      end
    end
    // a context written this cycle is already in force: the write and the
    // request or walk that needs it may share the cycle
    if (we_i && we_asid_i == rd0_asid_i) begin
      rd0_found_o = 1'b1;
      rd0_ctx_o = we_ctx_i;
    end
    for (int unsigned p = 0; p < JobPorts; p++) begin
      if (we_i && we_asid_i == job_asid_i[p*AsidW +: AsidW]) begin
        job_found_o[p] = 1'b1;
        job_ctx_o[p*CtxW +: CtxW] = we_ctx_i;
      end
    end
  end

  // an existing entry for the ASID is overwritten, else the lowest free one
  always_comb begin
    logic matched, found_free;
    matched = 1'b0;
    found_free = 1'b0;
    write_idx = '0;
    for (int unsigned i = 0; i < NumCtx; i++) begin
      if (!matched && valid_q[i] && asid_q[i] == we_asid_i) begin
        matched = 1'b1;
        write_idx = IdxW'(i);
      end
    end
    if (!matched) begin
      for (int unsigned i = 0; i < NumCtx; i++) begin
        if (!found_free && !valid_q[i]) begin
          found_free = 1'b1;
          write_idx = IdxW'(i);
        end
      end
    end
    write_en = we_i && (matched || found_free);
    valid_d = valid_q;
    if (write_en) valid_d[write_idx] = 1'b1;
    full_d = full_q || (we_i && !matched && !found_free);
  end

  assign full_o = full_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= '0;
      full_q <= 1'b0;
    end else begin
      valid_q <= valid_d;
      full_q <= full_d;
    end
  end

  // storage: written only where valid_q says so, so no reset is needed
  always_ff @(posedge clk_i) begin
    if (write_en) begin
      asid_q[write_idx] <= we_asid_i;
      ctx_q[write_idx] <= we_ctx_i;
    end
  end
endmodule
