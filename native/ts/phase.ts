/** Phase kernels of the native core (karana-phase). */
export {};
