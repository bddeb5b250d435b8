use napi::bindgen_prelude::*;
use napi_derive::napi;

#[napi]
pub fn sum_f32(data: Float32ArraySlice) -> f64 {
    data.iter().map(|&v| v as f64).sum()
}

#[napi]
pub fn fill_f32(mut out: Float32ArraySlice, v: f64) {
    for o in unsafe { out.as_mut() }.iter_mut() { *o = v as f32; }
}

pub struct SumTask { data: Float32Array }

#[napi]
impl Task for SumTask {
    type Output = f64;
    type JsValue = f64;
    fn compute(&mut self) -> Result<f64> { Ok(self.data.iter().map(|&v| v as f64).sum()) }
    fn resolve(&mut self, _env: Env, out: f64) -> Result<f64> { Ok(out) }
}

#[napi]
pub fn sum_async(data: Float32Array) -> AsyncTask<SumTask> { AsyncTask::new(SumTask { data }) }
