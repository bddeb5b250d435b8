/** Features kernels of the native core (karana-features). */
export {};
