/** EuRoC MH_01 cam0 calibration (`mav0/cam0/sensor.yaml`: pinhole + radial-tangential, `T_BS` as T_body_camera), for the anchor tests. */
export const EUROC_CAM0 = {
  intrinsics: [458.654, 457.296, 367.215, 248.375] as [number, number, number, number],
  distortionModel: 'radial-tangential' as const,
  distortion: [-0.28340811, 0.07395907, 0.00019359, 1.76187114e-5],
  T_body_camera: [0.0148655429818, -0.999880929698, 0.00414029679422, -0.0216401454975, 0.999557249008, 0.0149672133247, 0.025715529948, -0.064676986768, -0.0257744366974, 0.00375618835797, 0.999660727178, 0.00981073058949, 0, 0, 0, 1],
};
