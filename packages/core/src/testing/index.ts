export * from './env.js';
export * from './net.js';
