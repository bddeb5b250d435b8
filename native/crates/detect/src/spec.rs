//! What a detector's output tensor looks like: the head (YOLOX or YOLOv8), the network input size
//! (which fixes the anchors) and the number of classes.

use karana_core::error::{invalid, KaranaResult};

/// Output strides of the three detection heads (YOLOX and YOLOv8 alike), pixels.
pub const STRIDES: [usize; 3] = [8, 16, 32];

/// Number of anchors (grid cells over strides 8, 16, 32) for an input size: 3549 at 416×416,
/// 8400 at 640×640.
pub fn anchor_count(width: usize, height: usize) -> usize {
    STRIDES.iter().map(|s| (width / s) * (height / s)).sum()
}

/// Where the anchor axis is in a `[1, ·, ·]` output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `[1, channels, N]`: one plane per channel (the ultralytics YOLOv8 ONNX export).
    ChannelsFirst,
    /// `[1, N, channels]`: one row per anchor (YOLOX; a transposed YOLOv8 output).
    AnchorsFirst,
}

impl Layout {
    /// Parses the JS name (`"channelsFirst"`, `"anchorsFirst"`).
    pub fn parse(name: &'static str, value: &str) -> KaranaResult<Self> {
        match value {
            "channelsFirst" => Ok(Self::ChannelsFirst),
            "anchorsFirst" => Ok(Self::AnchorsFirst),
            other => Err(invalid(
                name,
                "one of channelsFirst, anchorsFirst",
                format!("\"{other}\""),
            )),
        }
    }
}

/// The detector family, which fixes the channels of an anchor and how they decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Head {
    /// YOLOX raw head (`decode_in_inference=False`): `x, y, log w, log h` in grid units,
    /// objectness, `C` class probabilities; always anchors-first `[1, N, 5 + C]`.
    Yolox,
    /// YOLOv8 (ultralytics export): `cx, cy, w, h` in input pixels, `C` class scores, no
    /// objectness; `[1, 4 + C, N]` or, transposed, `[1, N, 4 + C]`.
    Yolov8,
}

impl Head {
    /// Parses the JS name (`"yolox"`, `"yolov8"`).
    pub fn parse(name: &'static str, value: &str) -> KaranaResult<Self> {
        match value {
            "yolox" => Ok(Self::Yolox),
            "yolov8" => Ok(Self::Yolov8),
            other => Err(invalid(
                name,
                "one of yolox, yolov8",
                format!("\"{other}\""),
            )),
        }
    }

    /// Channels before the class scores (box, plus objectness for YOLOX).
    pub fn box_channels(self) -> usize {
        match self {
            Self::Yolox => 5,
            Self::Yolov8 => 4,
        }
    }

    /// The JS name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Yolox => "yolox",
            Self::Yolov8 => "yolov8",
        }
    }
}

/// A detector output, validated: head, layout, network input size (pixels, multiples of 32) and
/// class count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutputSpec {
    pub head: Head,
    pub layout: Layout,
    pub input_width: usize,
    pub input_height: usize,
    pub classes: usize,
}

impl OutputSpec {
    /// Checks the combination: input sides positive multiples of 32, at least one class, YOLOX
    /// anchors-first only.
    pub fn new(
        head: Head,
        layout: Layout,
        input_width: usize,
        input_height: usize,
        classes: usize,
    ) -> KaranaResult<Self> {
        for (name, v) in [("inputWidth", input_width), ("inputHeight", input_height)] {
            if v == 0 || !v.is_multiple_of(32) {
                return Err(invalid(name, "a positive multiple of 32", v));
            }
        }
        if classes == 0 {
            return Err(invalid("classes", "a positive integer", classes));
        }
        if head == Head::Yolox && layout == Layout::ChannelsFirst {
            return Err(invalid(
                "layout",
                "anchorsFirst for the yolox head ([1, N, 5 + C])",
                "\"channelsFirst\"",
            ));
        }
        Ok(Self {
            head,
            layout,
            input_width,
            input_height,
            classes,
        })
    }

    /// Anchors `N`.
    pub fn anchors(&self) -> usize {
        anchor_count(self.input_width, self.input_height)
    }

    /// Channels per anchor: `5 + C` (YOLOX) or `4 + C` (YOLOv8).
    pub fn channels(&self) -> usize {
        self.head.box_channels() + self.classes
    }

    /// Floats in the output tensor.
    pub fn tensor_len(&self) -> usize {
        self.anchors() * self.channels()
    }

    /// The tensor shape as a JS user sees it, e.g. `[1, 84, 8400]`.
    pub fn shape(&self) -> String {
        let (n, ch) = (self.anchors(), self.channels());
        match self.layout {
            Layout::ChannelsFirst => format!("[1, {ch}, {n}]"),
            Layout::AnchorsFirst => format!("[1, {n}, {ch}]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_of_the_common_input_sizes() {
        assert_eq!(anchor_count(416, 416), 3549);
        assert_eq!(anchor_count(640, 640), 8400);
        assert_eq!(anchor_count(64, 32), 42);
    }

    #[test]
    fn shapes_and_lengths() {
        let v8 = OutputSpec::new(Head::Yolov8, Layout::ChannelsFirst, 640, 640, 80).unwrap();
        assert_eq!(
            (v8.shape(), v8.tensor_len()),
            ("[1, 84, 8400]".to_string(), 705_600)
        );
        let x = OutputSpec::new(Head::Yolox, Layout::AnchorsFirst, 416, 416, 80).unwrap();
        assert_eq!(
            (x.shape(), x.tensor_len()),
            ("[1, 3549, 85]".to_string(), 301_665)
        );
    }

    #[test]
    fn bad_specs_are_named() {
        let err = |r: KaranaResult<OutputSpec>| r.unwrap_err().to_string();
        assert_eq!(
            err(OutputSpec::new(
                Head::Yolox,
                Layout::AnchorsFirst,
                400,
                416,
                80
            )),
            "\"inputWidth\" must be a positive multiple of 32, got 400"
        );
        assert_eq!(
            err(OutputSpec::new(
                Head::Yolox,
                Layout::AnchorsFirst,
                416,
                416,
                0
            )),
            "\"classes\" must be a positive integer, got 0"
        );
        assert_eq!(
            err(OutputSpec::new(Head::Yolox, Layout::ChannelsFirst, 416, 416, 80)),
            "\"layout\" must be anchorsFirst for the yolox head ([1, N, 5 + C]), got \"channelsFirst\""
        );
        assert_eq!(
            Head::parse("head", "ssd").unwrap_err().to_string(),
            "\"head\" must be one of yolox, yolov8, got \"ssd\""
        );
        assert_eq!(
            Layout::parse("layout", "nchw").unwrap_err().to_string(),
            "\"layout\" must be one of channelsFirst, anchorsFirst, got \"nchw\""
        );
    }
}
