;; The boosted trees' two hot loops (metrics/_gradient_boosting.ts), as
;; WebAssembly: the threshold scan of one feature, the same scan of two
;; features in the two lanes of a v128, and the stable partition of a node's
;; sorted rows. Each computes exactly what the JavaScript forms in
;; _gradient_boosting.ts compute, operation for operation (WebAssembly never
;; fuses a multiply and an add), so the trees are the same to the last bit.
;;
;; All pointers are byte offsets into the exported memory. Rows are tagged
;; row indices: bit 31 marks a row in a run of near-tied values (see
;; _gradient_boosting.ts); 0x7fffffff masks it off. 1e-7 is FEATURE_THRESHOLD.
;;
;; metrics/_tree_kernels_wasm.ts holds these bytes; after an edit, run
;; `deno task build:wasm` (tests/metrics/tree_kernels_test.ts fails until then).
(module
  (memory (export "memory") 1)
  ;; scan(rows, col, res, st, en, total, out) → position of the first row right of
  ;; the best boundary in [st, en) (−1: none); writes the boundary's proxy to out.
  (func (export "scan") (param $rows i32) (param $col i32) (param $res i32)
        (param $st i32) (param $en i32) (param $total f64) (param $out i32) (result i32)
    (local $m f64) (local $best f64) (local $pos i32) (local $prev i32) (local $sl f64)
    (local $nL f64) (local $p i32) (local $e i32) (local $i i32) (local $diff f64) (local $q f64)
    (local.set $m (f64.convert_i32_s (i32.sub (local.get $en) (local.get $st))))
    (local.set $best (f64.const -inf))
    (local.set $pos (i32.const -1))
    (local.set $prev (i32.load (i32.add (local.get $rows) (i32.shl (local.get $st) (i32.const 2)))))
    (local.set $sl (f64.load (i32.add (local.get $res)
      (i32.shl (i32.and (local.get $prev) (i32.const 0x7fffffff)) (i32.const 3)))))
    (local.set $nL (f64.const 1))
    (local.set $p (i32.add (local.get $st) (i32.const 1)))
    (block $done
      (br_if $done (i32.ge_s (local.get $p) (local.get $en)))
      (loop $next
        (local.set $e (i32.load (i32.add (local.get $rows) (i32.shl (local.get $p) (i32.const 2)))))
        (local.set $i (i32.and (local.get $e) (i32.const 0x7fffffff)))
        (local.set $diff (f64.sub (f64.mul (local.get $m) (local.get $sl))
                                  (f64.mul (local.get $nL) (local.get $total))))
        (local.set $q (f64.mul (local.get $nL) (f64.sub (local.get $m) (local.get $nL))))
        (if (f64.gt (f64.mul (local.get $diff) (local.get $diff)) (f64.mul (local.get $best) (local.get $q)))
          (then
            (if (i32.or
                  (i32.ge_s (i32.and (local.get $e) (local.get $prev)) (i32.const 0))
                  (f64.gt (f64.load (i32.add (local.get $col) (i32.shl (local.get $i) (i32.const 3))))
                          (f64.add (f64.load (i32.add (local.get $col)
                             (i32.shl (i32.and (local.get $prev) (i32.const 0x7fffffff)) (i32.const 3))))
                             (f64.const 1e-7))))
              (then
                (local.set $best (f64.div (f64.mul (local.get $diff) (local.get $diff)) (local.get $q)))
                (local.set $pos (local.get $p))))))
        (local.set $prev (local.get $e))
        (local.set $sl (f64.add (local.get $sl)
          (f64.load (i32.add (local.get $res) (i32.shl (local.get $i) (i32.const 3))))))
        (local.set $nL (f64.add (local.get $nL) (f64.const 1)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br_if $next (i32.lt_s (local.get $p) (local.get $en)))))
    (f64.store (local.get $out) (local.get $best))
    (local.get $pos))
  ;; partition(rows, to, st, en, goLeft, tmp): the segment [st, en) of rows into
  ;; the same segment of to, rows whose goLeft byte is 1 first, order kept
  ;; within each side; tmp holds the right rows on the way.
  (func (export "partition") (param $rows i32) (param $to i32) (param $st i32) (param $en i32)
        (param $goLeft i32) (param $tmp i32)
    (local $p i32) (local $end i32) (local $wl i32) (local $r i32) (local $e i32) (local $g i32)
    (local.set $p (i32.add (local.get $rows) (i32.shl (local.get $st) (i32.const 2))))
    (local.set $end (i32.add (local.get $rows) (i32.shl (local.get $en) (i32.const 2))))
    (local.set $wl (i32.add (local.get $to) (i32.shl (local.get $st) (i32.const 2))))
    (local.set $r (local.get $tmp))
    (block $done
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (loop $next
        (local.set $e (i32.load (local.get $p)))
        (local.set $g (i32.load8_u (i32.add (local.get $goLeft) (i32.and (local.get $e) (i32.const 0x7fffffff)))))
        (i32.store (local.get $wl) (local.get $e))
        (i32.store (local.get $r) (local.get $e))
        (local.set $wl (i32.add (local.get $wl) (i32.shl (local.get $g) (i32.const 2))))
        (local.set $r (i32.add (local.get $r) (i32.shl (i32.xor (local.get $g) (i32.const 1)) (i32.const 2))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br_if $next (i32.lt_u (local.get $p) (local.get $end)))))
    (memory.copy (local.get $wl) (local.get $tmp) (i32.sub (local.get $r) (local.get $tmp))))

  ;; scan2(rowsA, colA, rowsB, colB, res, st, en, total, out): scan of two
  ;; features over the same segment, one per lane; writes [proxyA, posA, proxyB,
  ;; posB] as four f64 to out.
  (func (export "scan2") (param $ra i32) (param $ca i32) (param $rb i32) (param $cb i32) (param $res i32)
        (param $st i32) (param $en i32) (param $total f64) (param $out i32)
    (local $m f64) (local $mv v128) (local $best v128) (local $posA i32) (local $posB i32)
    (local $prevA i32) (local $prevB i32) (local $sl v128) (local $nL f64) (local $p i32)
    (local $eA i32) (local $eB i32) (local $iA i32) (local $iB i32) (local $q f64)
    (local $diff v128) (local $d2 v128) (local $cmp v128)
    (local.set $m (f64.convert_i32_s (i32.sub (local.get $en) (local.get $st))))
    (local.set $mv (f64x2.splat (local.get $m)))
    (local.set $best (f64x2.splat (f64.const -inf)))
    (local.set $posA (i32.const -1))
    (local.set $posB (i32.const -1))
    (local.set $prevA (i32.load (i32.add (local.get $ra) (i32.shl (local.get $st) (i32.const 2)))))
    (local.set $prevB (i32.load (i32.add (local.get $rb) (i32.shl (local.get $st) (i32.const 2)))))
    (local.set $sl (f64x2.replace_lane 1
      (f64x2.splat (f64.load (i32.add (local.get $res)
        (i32.shl (i32.and (local.get $prevA) (i32.const 0x7fffffff)) (i32.const 3)))))
      (f64.load (i32.add (local.get $res)
        (i32.shl (i32.and (local.get $prevB) (i32.const 0x7fffffff)) (i32.const 3))))))
    (local.set $nL (f64.const 1))
    (local.set $p (i32.add (local.get $st) (i32.const 1)))
    (block $done
      (br_if $done (i32.ge_s (local.get $p) (local.get $en)))
      (loop $next
        (local.set $eA (i32.load (i32.add (local.get $ra) (i32.shl (local.get $p) (i32.const 2)))))
        (local.set $eB (i32.load (i32.add (local.get $rb) (i32.shl (local.get $p) (i32.const 2)))))
        (local.set $iA (i32.and (local.get $eA) (i32.const 0x7fffffff)))
        (local.set $iB (i32.and (local.get $eB) (i32.const 0x7fffffff)))
        (local.set $q (f64.mul (local.get $nL) (f64.sub (local.get $m) (local.get $nL))))
        (local.set $diff (f64x2.sub (f64x2.mul (local.get $mv) (local.get $sl))
                                    (f64x2.splat (f64.mul (local.get $nL) (local.get $total)))))
        (local.set $d2 (f64x2.mul (local.get $diff) (local.get $diff)))
        (local.set $cmp (f64x2.gt (local.get $d2) (f64x2.mul (local.get $best) (f64x2.splat (local.get $q)))))
        (if (v128.any_true (local.get $cmp))
          (then
            (if (i32.and
                  (i64.ne (i64x2.extract_lane 0 (local.get $cmp)) (i64.const 0))
                  (i32.or
                    (i32.ge_s (i32.and (local.get $eA) (local.get $prevA)) (i32.const 0))
                    (f64.gt (f64.load (i32.add (local.get $ca) (i32.shl (local.get $iA) (i32.const 3))))
                            (f64.add (f64.load (i32.add (local.get $ca)
                               (i32.shl (i32.and (local.get $prevA) (i32.const 0x7fffffff)) (i32.const 3))))
                               (f64.const 1e-7)))))
              (then
                (local.set $best (f64x2.replace_lane 0 (local.get $best)
                  (f64.div (f64x2.extract_lane 0 (local.get $d2)) (local.get $q))))
                (local.set $posA (local.get $p))))
            (if (i32.and
                  (i64.ne (i64x2.extract_lane 1 (local.get $cmp)) (i64.const 0))
                  (i32.or
                    (i32.ge_s (i32.and (local.get $eB) (local.get $prevB)) (i32.const 0))
                    (f64.gt (f64.load (i32.add (local.get $cb) (i32.shl (local.get $iB) (i32.const 3))))
                            (f64.add (f64.load (i32.add (local.get $cb)
                               (i32.shl (i32.and (local.get $prevB) (i32.const 0x7fffffff)) (i32.const 3))))
                               (f64.const 1e-7)))))
              (then
                (local.set $best (f64x2.replace_lane 1 (local.get $best)
                  (f64.div (f64x2.extract_lane 1 (local.get $d2)) (local.get $q))))
                (local.set $posB (local.get $p))))))
        (local.set $sl (f64x2.add (local.get $sl)
          (f64x2.replace_lane 1
            (f64x2.splat (f64.load (i32.add (local.get $res) (i32.shl (local.get $iA) (i32.const 3)))))
            (f64.load (i32.add (local.get $res) (i32.shl (local.get $iB) (i32.const 3)))))))
        (local.set $prevA (local.get $eA))
        (local.set $prevB (local.get $eB))
        (local.set $nL (f64.add (local.get $nL) (f64.const 1)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br_if $next (i32.lt_s (local.get $p) (local.get $en)))))
    (f64.store (local.get $out) (f64x2.extract_lane 0 (local.get $best)))
    (f64.store offset=8 (local.get $out) (f64.convert_i32_s (local.get $posA)))
    (f64.store offset=16 (local.get $out) (f64x2.extract_lane 1 (local.get $best)))
    (f64.store offset=24 (local.get $out) (f64.convert_i32_s (local.get $posB))))
)
