use super::yuv::yuv_to_rgb;
use super::*;

/// A `w` × 4 frame of `format` with distinct bytes (a ramp), `extra` padding bytes per row.
fn frame_of(format: InputFormat, w: usize, extra: usize) -> (Vec<u8>, FrameLayout) {
    let h = 4;
    let stride = w * format.row_bytes_per_pixel() + extra;
    let l = FrameLayout::new(w, h, Some(stride), format).unwrap();
    let data = (0..l.required_bytes())
        .map(|i| (i * 37 % 256) as u8)
        .collect();
    (data, l)
}

fn frame(format: InputFormat, extra: usize) -> (Vec<u8>, FrameLayout) {
    frame_of(format, 6, extra)
}

#[test]
fn bt601_video_range_end_points() {
    assert_eq!(yuv_to_rgb(16, 128, 128), [0, 0, 0]);
    assert_eq!(yuv_to_rgb(235, 128, 128), [255, 255, 255]);
    assert_eq!(yuv_to_rgb(0, 128, 128), [0, 0, 0]);
    // BT.601 red rounded to integer Y U V (81, 90, 240): OpenCV gives 254, 0, 0.
    assert_eq!(yuv_to_rgb(81, 90, 240), [254, 0, 0]);
}

#[test]
fn luma_weights_sum_to_one() {
    assert_eq!(rgb::RY15 + rgb::GY15 + rgb::BY15, 1 << 15);
    assert_eq!(rgb::luma(255, 255, 255), 255);
    assert_eq!(rgb::luma(255, 0, 0), 76);
}

#[test]
fn nv12_chroma_serves_two_by_two_blocks() {
    let (src, l) = frame(InputFormat::Nv12, 2);
    let mut out = vec![0u8; 3 * 6 * 4];
    convert(&src, &l, Target::Rgb8, &mut out, None).unwrap();
    for (y, x) in [(0, 0), (1, 1), (2, 4), (3, 5)] {
        let luma = src[y * l.stride + x];
        let uv = l.height * l.stride + (y / 2) * l.stride + 2 * (x / 2);
        let want = yuv_to_rgb(luma, src[uv], src[uv + 1]);
        assert_eq!(out[3 * (y * 6 + x)..][..3], want, "pixel ({x}, {y})");
    }
}

#[test]
fn yuyv_pairs_share_chroma() {
    let (src, l) = frame(InputFormat::Yuyv, 0);
    let mut out = vec![0u8; 3 * 6 * 4];
    convert(&src, &l, Target::Rgb8, &mut out, None).unwrap();
    let p = &src[l.stride..l.stride + 4];
    assert_eq!(out[3 * 6..][..3], yuv_to_rgb(p[0], p[1], p[3]));
    assert_eq!(out[3 * 7..][..3], yuv_to_rgb(p[2], p[1], p[3]));
    let mut gray = vec![0u8; 24];
    convert(&src, &l, Target::Gray8, &mut gray, None).unwrap();
    assert_eq!(
        gray[6..9],
        [src[l.stride], src[l.stride + 2], src[l.stride + 4]]
    );
}

#[test]
fn output_stride_leaves_padding_untouched() {
    let (src, l) = frame(InputFormat::Bgr8, 1);
    let mut out = vec![7u8; 20 * 3 + 18];
    convert(&src, &l, Target::Rgb8, &mut out, Some(20)).unwrap();
    assert_eq!(out[18..20], [7, 7]);
    assert_eq!(
        out[20..23],
        [src[l.stride + 2], src[l.stride + 1], src[l.stride]]
    );
}

/// The AVX2-compiled loop (when the CPU has it) and the portable one give identical bytes.
#[test]
fn dispatched_and_portable_paths_agree() {
    for format in [
        InputFormat::Gray8,
        InputFormat::Rgb8,
        InputFormat::Bgr8,
        InputFormat::Rgba8,
        InputFormat::Yuyv,
        InputFormat::Nv12,
    ] {
        for target in [Target::Gray8, Target::Rgb8] {
            // 38 pixels: the AVX2 kernels' 16-pixel steps and their scalar tails.
            let (src, l) = frame_of(format, 38, 3);
            let n = 38 * 4 * target.channels();
            let (mut a, mut b) = (vec![0u8; n], vec![0u8; n]);
            convert(&src, &l, target, &mut a, None).unwrap();
            convert_rows::<false>(&src, &l, target, &mut b, 38 * target.channels());
            assert_eq!(a, b, "{format:?} → {target:?}");
        }
    }
}

#[test]
fn errors_name_parameter_and_value() {
    let (src, l) = frame(InputFormat::Rgb8, 0);
    let mut out = vec![0u8; 10];
    assert_eq!(
        convert(&src, &l, Target::Rgb8, &mut out, None)
            .unwrap_err()
            .to_string(),
        "\"out\" must hold 72 bytes, got 10"
    );
    assert_eq!(
        convert(&src, &l, Target::Rgb8, &mut out, Some(5))
            .unwrap_err()
            .to_string(),
        "\"outStrideBytes\" must be at least 18 (6 RGB8 pixels), got 5"
    );
    assert_eq!(
        Target::parse("to", "BGR8").unwrap_err().to_string(),
        "\"to\" must be \"GRAY8\" or \"RGB8\", got \"BGR8\""
    );
}
