// mmu_flush_decode.sv — what one architectural flush does to the TLBs and
// to the walk cache: the primitives of model/src/mmu/flush.c (x86 INVLPG,
// MOV to CR3, INVPCID 0-3; RISC-V SFENCE.VMA's four rs1/rs2 cases; the
// generic all / ASID / VA / ASID+VA). Purely combinational.
module mmu_flush_decode import mmu_pkg::*; (
  input  logic [2:0]       kind_i,          // mmu_flush_kind
  input  logic [AsidW-1:0] asid_i,
  input  logic [11:0]      cr3_pcid_i,      // MMU_FLUSH_X86_CR3: CR3[11:0]
  input  logic             cr3_noflush_i,   // CR3[63]
  input  logic [1:0]       invpcid_type_i,
  input  logic             has_va_i,
  input  logic             has_asid_i,
  output logic [2:0]       tlb_op_o,        // TlbFlush*
  output logic             tlb_include_global_o,
  output logic [AsidW-1:0] tlb_asid_o,
  output logic [1:0]       pwc_op_o,        // PwcFlush*
  output logic             pwc_include_global_o,
  output logic             pwc_all_asids_o,
  output logic [AsidW-1:0] pwc_asid_o
);
  // mmu_flush_kind values (model/include/mmulab/mmu.h)
  localparam logic [2:0] KindAll       = 3'd0;
  localparam logic [2:0] KindAsid      = 3'd1;
  localparam logic [2:0] KindVa        = 3'd2;
  localparam logic [2:0] KindAsidVa    = 3'd3;
  localparam logic [2:0] KindInvlpg    = 3'd4;
  localparam logic [2:0] KindCr3       = 3'd5;
  localparam logic [2:0] KindInvpcid   = 3'd6;
  localparam logic [2:0] KindSfenceVma = 3'd7;

  always_comb begin
    tlb_op_o = TlbFlushNone;
    tlb_include_global_o = 1'b0;
    tlb_asid_o = asid_i;
    pwc_op_o = PwcFlushNone;
    pwc_include_global_o = 1'b0;
    pwc_all_asids_o = 1'b0;
    pwc_asid_o = asid_i;
    case (kind_i)
      KindAll: begin
        tlb_op_o = TlbFlushAll;
        pwc_op_o = PwcFlushAll;
      end
      KindAsid: begin
        tlb_op_o = TlbFlushAsid;
        pwc_op_o = PwcFlushAsid;
      end
      KindVa: begin
        tlb_op_o = TlbFlushVa;
        pwc_op_o = PwcFlushVa;
        pwc_all_asids_o = 1'b1;
      end
      KindAsidVa: begin
        tlb_op_o = TlbFlushAsidVa;
        pwc_op_o = PwcFlushVa;
      end
      KindInvlpg: begin
        tlb_op_o = TlbFlushAsidVa;
        tlb_include_global_o = 1'b1;
        pwc_op_o = PwcFlushAsid;
        pwc_include_global_o = 1'b1;
      end
      KindCr3: begin
        // the new root goes to the context table; here only the flush
        tlb_asid_o = {{(AsidW - 12){1'b0}}, cr3_pcid_i};
        pwc_asid_o = {{(AsidW - 12){1'b0}}, cr3_pcid_i};
        if (!cr3_noflush_i) begin
          tlb_op_o = TlbFlushAsid;
          pwc_op_o = PwcFlushAsid;
        end
      end
      KindInvpcid: begin
        case (invpcid_type_i)
          2'd0: begin
            tlb_op_o = TlbFlushAsidVa;
            pwc_op_o = PwcFlushAsid;
            pwc_include_global_o = 1'b1;
          end
          2'd1: begin
            tlb_op_o = TlbFlushAsid;
            pwc_op_o = PwcFlushAsid;
            pwc_include_global_o = 1'b1;
          end
          2'd2: begin
            tlb_op_o = TlbFlushAll;
            pwc_op_o = PwcFlushAll;
          end
          default: begin
            tlb_op_o = TlbFlushNonGlobal;
            pwc_op_o = PwcFlushAll;
          end
        endcase
      end
      KindSfenceVma: begin
        if (!has_va_i && !has_asid_i) begin
          tlb_op_o = TlbFlushAll;
          pwc_op_o = PwcFlushAll;
        end else if (!has_va_i) begin
          tlb_op_o = TlbFlushAsid;
          pwc_op_o = PwcFlushAsid;
        end else if (!has_asid_i) begin
          tlb_op_o = TlbFlushVa;  // rs1 != x0: walk caches stay
        end else begin
          tlb_op_o = TlbFlushAsidVa;
        end
      end
      default: ;
    endcase
  end
endmodule
