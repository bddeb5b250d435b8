use super::*;

fn params(tw: usize, th: usize, order: ChannelOrder, align: Align) -> LetterboxParams {
    LetterboxParams {
        target_width: tw,
        target_height: th,
        pad_value: 114.0,
        order,
        mean: [0.0; 3],
        scale: [1.0; 3],
        align,
    }
}

/// Straightforward per-value reference: the documented formula evaluated in f64.
fn reference(src: &[u8], l: &ImageLayout, p: &LetterboxParams) -> Vec<f64> {
    let (tw, th) = (p.target_width, p.target_height);
    let g = geometry(l.width, l.height, tw, th, p.align);
    let coord = |d: usize, src_len: usize, dst_len: usize| {
        let s = (d as f64 + 0.5) * src_len as f64 / dst_len as f64 - 0.5;
        if s < 0.0 {
            (0, 0, 0.0)
        } else if s.floor() as usize >= src_len - 1 {
            (src_len - 1, src_len - 1, 0.0)
        } else {
            (s.floor() as usize, s.floor() as usize + 1, s - s.floor())
        }
    };
    let bpp = l.format.bytes_per_pixel();
    let rgb = l.format.rgb_offsets();
    let mut out = vec![0.0; 3 * tw * th];
    for c in 0..3 {
        let channel = match p.order {
            ChannelOrder::Rgb => rgb[c],
            ChannelOrder::Bgr => rgb[2 - c],
        };
        for y in 0..th {
            for x in 0..tw {
                let inside = x >= g.pad_x
                    && x < g.pad_x + g.resized_width
                    && y >= g.pad_y
                    && y < g.pad_y + g.resized_height;
                let v = if inside {
                    let (x0, x1, fx) = coord(x - g.pad_x, l.width, g.resized_width);
                    let (y0, y1, fy) = coord(y - g.pad_y, l.height, g.resized_height);
                    let px =
                        |xx: usize, yy: usize| f64::from(src[yy * l.stride + xx * bpp + channel]);
                    (1.0 - fy) * ((1.0 - fx) * px(x0, y0) + fx * px(x1, y0))
                        + fy * ((1.0 - fx) * px(x0, y1) + fx * px(x1, y1))
                } else {
                    p.pad_value
                };
                out[(c * th + y) * tw + x] = (v - p.mean[c]) * p.scale[c];
            }
        }
    }
    out
}

/// A byte pattern without structure a kernel could get right by accident (for arithmetic checks;
/// the real-frame checks against OpenCV are in `test/native/letterbox.test.ts`).
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7919 % 251) as u8).collect()
}

#[test]
fn yolox_geometry_of_a_euroc_frame() {
    let g = geometry(752, 480, 416, 416, Align::TopLeft);
    assert_eq!(
        (g.resized_width, g.resized_height, g.pad_x, g.pad_y),
        (416, 265, 0, 0)
    );
    assert!((g.scale - 416.0 / 752.0).abs() < 1e-15);
    let c = geometry(752, 480, 416, 416, Align::Center);
    assert_eq!((c.pad_x, c.pad_y), (0, 75));
    let tall = geometry(10, 1000, 416, 416, Align::Center);
    assert_eq!(
        (tall.resized_width, tall.resized_height, tall.pad_x),
        (4, 416, 206)
    );
}

#[test]
fn matches_reference_for_every_format_order_and_alignment() {
    let (w, h) = (37, 23);
    for format in [
        PixelFormat::Gray8,
        PixelFormat::Rgb8,
        PixelFormat::Bgr8,
        PixelFormat::Rgba8,
    ] {
        let stride = w * format.bytes_per_pixel() + 5;
        let layout = ImageLayout::new(w, h, Some(stride), format).unwrap();
        let src = pattern(layout.required_bytes());
        for order in [ChannelOrder::Rgb, ChannelOrder::Bgr] {
            for (tw, th, align) in [
                (16, 16, Align::Center),
                (64, 50, Align::TopLeft),
                (37, 23, Align::Center),
            ] {
                let mut p = params(tw, th, order, align);
                p.mean = [10.0, 20.0, 30.0];
                p.scale = [0.5, 1.0 / 255.0, 2.0];
                let mut out = vec![0f32; 3 * tw * th];
                letterbox(&src, &layout, &p, &mut out).unwrap();
                let want = reference(&src, &layout, &p);
                for (i, (&a, &b)) in out.iter().zip(&want).enumerate() {
                    // 14-bit horizontal weights: ≤ 255·2⁻¹⁵ grey level, times the scale.
                    assert!(
                        (f64::from(a) - b).abs() < 255.0 / 32768.0 * 2.0 + 1e-4,
                        "{format:?} {order:?} {tw}x{th} at {i}: {a} vs {b}"
                    );
                }
            }
        }
    }
}

#[test]
fn gray_is_replicated_and_pad_is_normalized() {
    let layout = ImageLayout::new(4, 2, None, PixelFormat::Gray8).unwrap();
    let src = [200u8; 8];
    let mut p = params(4, 4, ChannelOrder::Rgb, Align::TopLeft);
    p.mean = [100.0, 0.0, 14.0];
    p.scale = [1.0, 2.0, 0.5];
    let mut out = vec![0f32; 48];
    let g = letterbox(&src, &layout, &p, &mut out).unwrap();
    assert_eq!((g.resized_width, g.resized_height), (4, 2));
    assert_eq!(out[0], 100.0);
    assert_eq!(out[16], 400.0);
    assert_eq!(out[32], 93.0);
    assert_eq!(out[15], 14.0); // (114 - 100) * 1, bottom-right pad of plane 0
    assert_eq!(out[47], 50.0); // (114 - 14) * 0.5
}

#[test]
fn short_buffers_are_reported() {
    let layout = ImageLayout::new(752, 480, None, PixelFormat::Gray8).unwrap();
    let src = vec![0u8; 752 * 480];
    let p = params(416, 416, ChannelOrder::Bgr, Align::TopLeft);
    let e = letterbox(&src, &layout, &p, &mut [0f32; 1000]).unwrap_err();
    assert_eq!(e.to_string(), "\"out\" must hold 519168 floats, got 1000");
    let e = letterbox(&src[..100], &layout, &p, &mut [0f32; 1000]).unwrap_err();
    assert_eq!(e.to_string(), "\"src\" must hold 360960 bytes, got 100");
}

#[test]
fn option_names_parse() {
    assert_eq!(Align::parse("align", "topLeft"), Ok(Align::TopLeft));
    assert_eq!(
        ChannelOrder::parse("channelOrder", "rgb")
            .unwrap_err()
            .to_string(),
        "\"channelOrder\" must be \"RGB\" or \"BGR\", got \"rgb\""
    );
}

#[test]
fn taps_follow_opencv_pixel_centres() {
    // Same size: every pixel samples its own centre.
    assert!((0..4).all(|d| plan::tap(d, 4, 4) == (d, 0.0)));
    // Downscale by two: s = 2d + 0.5, halfway between 2d and 2d + 1.
    assert_eq!(plan::tap(1, 8, 4), (2, 0.5));
    // Upscale: d = 0 gives s = −0.375 (clamped), d = 7 gives s = 1.375 ≥ last (clamped).
    assert_eq!(plan::tap(0, 2, 8), (0, 0.0));
    assert_eq!(plan::tap(7, 2, 8), (1, 0.0));
    assert_eq!(plan::tap(3, 2, 8), (0, 0.375));
}

#[test]
fn plan_weights_are_14_bit_pairs() {
    let p = Plan::new(PlanKey {
        width: 1280,
        height: 720,
        bytes_per_pixel: 4,
        resized_width: 416,
        resized_height: 234,
    });
    assert_eq!(p.rows.len(), 234);
    // The last left tap is pixel 1277: its 8-byte load ends at byte 5116 of 5120.
    assert_eq!(p.vector_columns, 416);
    for (x, &w1) in p.w1.iter().enumerate() {
        let (i, f) = plan::tap(x, 1280, 416);
        assert_eq!(p.offsets[x] as usize, 4 * i);
        assert!((f64::from(w1) / 16384.0 - f).abs() <= 0.5 / 16384.0);
    }
    let e = p.color_weights[1];
    assert_eq!(
        (e[0], e[1], e[8], e[9]),
        (
            (16384 - p.w1[1]) as i16,
            p.w1[1] as i16,
            (16384 - p.w1[5]) as i16,
            p.w1[5] as i16
        )
    );
}

/// The AVX2 kernels (when the CPU has them) and the portable kernel give the same floats, bit
/// for bit, for every format, on vector blocks and scalar tails.
#[test]
fn dispatched_and_portable_paths_agree_bit_for_bit() {
    for format in [
        PixelFormat::Gray8,
        PixelFormat::Rgb8,
        PixelFormat::Bgr8,
        PixelFormat::Rgba8,
    ] {
        // Shrink, grow, near-identity, exact 2× (300 × 80 → 150 × 40; 198 × 98 → 99 × 49).
        for (w, h, tw, th) in [
            (301, 77, 120, 90),
            (53, 31, 160, 100),
            (40, 40, 33, 33),
            (300, 80, 150, 150),
            (198, 98, 99, 60),
        ] {
            let stride = w * format.bytes_per_pixel() + 3;
            let layout = ImageLayout::new(w, h, Some(stride), format).unwrap();
            let src = pattern(layout.required_bytes());
            let mut p = params(tw, th, ChannelOrder::Bgr, Align::Center);
            p.mean = [1.0, 2.0, 3.0];
            p.scale = [0.5, 1.0 / 255.0, 2.0];
            let mut a = vec![0f32; 3 * tw * th];
            letterbox(&src, &layout, &p, &mut a).unwrap();
            let mut b = a.clone();
            let g = geometry(w, h, tw, th, p.align);
            let (p0, rest) = b.split_at_mut(tw * th);
            let (p1, p2) = rest.split_at_mut(tw * th);
            let job = Job {
                src: &src,
                layout: &layout,
                order: source_order(format, p.order),
                scale: p.scale,
                bias: std::array::from_fn(|c| (-p.mean[c] * p.scale[c]) as f32),
                planes: [p0, p1, p2],
                tensor_width: tw,
                origin: g.pad_y * tw + g.pad_x,
            };
            let key = PlanKey {
                width: w,
                height: h,
                bytes_per_pixel: format.bytes_per_pixel(),
                resized_width: g.resized_width,
                resized_height: g.resized_height,
            };
            with_plan(key, |plan| resample_rows::<false>(plan, job));
            let same = a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits());
            assert!(same, "{format:?} {w}x{h} → {tw}x{th}");
        }
    }
}

#[test]
fn exact_half_is_the_mean_of_each_2x2_block() {
    let layout = ImageLayout::new(32, 4, None, PixelFormat::Rgba8).unwrap();
    let src = pattern(layout.required_bytes());
    let mut p = params(16, 16, ChannelOrder::Rgb, Align::TopLeft);
    p.scale = [0.5, 1.0, 2.0];
    let mut out = vec![0f32; 3 * 16 * 16];
    let g = letterbox(&src, &layout, &p, &mut out).unwrap();
    assert_eq!((g.resized_width, g.resized_height), (16, 2));
    for (x, y, c) in [(0, 0, 0), (7, 1, 1), (15, 1, 2), (9, 0, 2)] {
        let px = |xx: usize, yy: usize| f32::from(src[yy * 128 + 4 * xx + c]);
        let mean = (px(2 * x, 2 * y)
            + px(2 * x + 1, 2 * y)
            + px(2 * x, 2 * y + 1)
            + px(2 * x + 1, 2 * y + 1))
            / 4.0;
        let got = out[(c * 16 + y) * 16 + x];
        assert!(
            (got - mean * p.scale[c] as f32).abs() < 1e-4,
            "({x}, {y}, {c}): {got} vs {mean}"
        );
    }
}
