#!/usr/bin/env python3
"""test_yosys_prep.py — the rewrites of scripts/yosys_prep.py, on small
sources whose expected output is written out, and on rtl/ itself."""
import pathlib
import re
import sys
import tempfile
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(ROOT / "scripts"))
import yosys_prep  # noqa: E402

PKG = """package p;
  localparam int unsigned W = 8;
  localparam logic [3:0] hF = 4'd2;  // a name that looks like a based digit
  typedef logic [W-1:0] word_t;
  function automatic logic [W-1:0] inc(logic [W-1:0] x);
    inc = x + 1'b1;
  endfunction
endpackage
"""


def prep(sources):
    """{name: text} of the copies of sources ({name: text})."""
    with tempfile.TemporaryDirectory() as tmp:
        src = pathlib.Path(tmp) / "src"
        out = pathlib.Path(tmp) / "out"
        src.mkdir()
        out.mkdir()
        for name, text in sources.items():
            (src / name).write_text(text)
        written = yosys_prep.prepare([str(src)], str(out))
        return [pathlib.Path(w).name for w in written], {
            pathlib.Path(w).name: pathlib.Path(w).read_text() for w in written}


class Rewrite(unittest.TestCase):
    def test_qualifies_code_not_comments_strings_ports_literals(self):
        mod = """module m import p::*; #(parameter int unsigned N = W) (
  input word_t a_i,  // W bits of word_t
  output logic [W-1:0] y_o
);
  sub #(.W(W)) u_sub (.a(a_i));
  initial $display("W is %0d", W);
  assign y_o = inc(a_i) + 4'hF + p::W + W'(hF);
endmodule
"""
        order, out = prep({"a_mod.sv": mod, "z_pkg.sv": PKG})
        self.assertEqual(order, ["z_pkg.sv", "a_mod.sv"])  # packages first
        self.assertEqual(out["z_pkg.sv"], PKG)
        self.assertEqual(out["a_mod.sv"], """module m  #(parameter int unsigned N = p::W) (
  input p::word_t a_i,  // W bits of word_t
  output logic [p::W-1:0] y_o
);
  sub #(.W(p::W)) u_sub (.a(a_i));
  initial $display("W is %0d", p::W);
  assign y_o = p::inc(a_i) + 4'hF + p::W + (p::W)'(p::hF);
endmodule
""")

    def test_final_return_becomes_assignment(self):
        mod = """module m import p::*; ();
  function automatic logic [W-1:0] twice(logic [W-1:0] x);
    // return in a comment stays
    return x << 1;
  endfunction
endmodule
"""
        _, out = prep({"p.sv": PKG, "m.sv": mod})
        self.assertIn("    twice = x << 1;\n", out["m.sv"])
        self.assertIn("// return in a comment stays", out["m.sv"])

    def test_function_header_with_clog2(self):
        mod = """module m ();
  function automatic logic [$clog2(8)-1:0] pick(logic [7:0] x);
    return x[2:0];
  endfunction
endmodule
"""
        _, out = prep({"m.sv": mod})
        self.assertIn("    pick = x[2:0];\n", out["m.sv"])

    def test_local_name_shadowing_the_package_is_refused(self):
        mod = "module m import p::*; ();\n  localparam int unsigned W = 4;\nendmodule\n"
        with self.assertRaisesRegex(yosys_prep.PrepError, "m.sv: declares W, which package p declares too"):
            prep({"p.sv": PKG, "m.sv": mod})

    def test_early_return_is_refused(self):
        mod = """module m ();
  function automatic logic f(logic x);
    if (x) return 1'b1;
    return 1'b0;
  endfunction
endmodule
"""
        with self.assertRaisesRegex(yosys_prep.PrepError, r"m.sv:3: `return` before the end of function f"):
            prep({"m.sv": mod})

    def test_unknown_package_is_refused(self):
        with self.assertRaisesRegex(yosys_prep.PrepError, "imports package q, which is not among the sources"):
            prep({"m.sv": "module m import q::*; ();\nendmodule\n"})

    def test_same_base_name_is_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            a, b = pathlib.Path(tmp) / "a", pathlib.Path(tmp) / "b"
            a.mkdir()
            b.mkdir()
            (a / "x.sv").write_text(PKG)
            (b / "x.sv").write_text(PKG)
            with self.assertRaisesRegex(yosys_prep.PrepError, "same file name"):
                yosys_prep.prepare([str(a / "x.sv"), str(b / "x.sv")], tmp)

    def test_rtl_copies_have_no_import_or_return(self):
        cfg = (ROOT / "rtl/generated/rocket/mmu_cfg_pkg.sv").read_text()
        sources = {f.name: f.read_text() for f in (ROOT / "rtl").glob("*.sv")}
        sources["mmu_cfg_pkg.sv"] = cfg
        order, out = prep(sources)
        self.assertEqual(order[:2], ["mmu_cfg_pkg.sv", "mmu_pkg.sv"])
        self.assertEqual(sorted(order), sorted(sources))
        for name, text in out.items():
            code = yosys_prep._code_only(text)
            self.assertIsNone(re.search(r"\bimport\b|\breturn\b", code), name)
        self.assertIn("parameter int unsigned NumTlbs = mmu_cfg_pkg::CfgNumTlbs", out["mmu_top.sv"])
        # only names and casts change: the same code with the qualifiers taken out
        for name, text in out.items():
            plain = re.sub(r"\((mmu_(?:cfg_)?pkg)::(\w+)\)'", r"\2'", text)
            plain = re.sub(r"\bmmu_(?:cfg_)?pkg::(?=\w)", "", plain)
            original = sources[name]
            original = re.sub(r"\s*\bimport\s+\w+::\*\s*;", " ", original)
            plain = re.sub(r"module (\w+)\s+", r"module \1 ", plain)
            original = re.sub(r"module (\w+)\s+", r"module \1 ", original)
            if name == "mmu_top.sv":  # its functions end in `return X;`
                original = re.sub(r"\breturn\b", "RET", original)
                plain = re.sub(r"\b(page_shift|compose_pa|va_canonical|wq_index|merged_pa) =", "RET", plain)
            self.assertEqual(plain, original, name)


if __name__ == "__main__":
    unittest.main()
