// Whether the optional peer dependency onnxruntime-node is installed (model tests skip without it).
import { createRequire } from 'node:module';

export const hasOnnxRuntime = (() => {
  try {
    createRequire(import.meta.url).resolve('onnxruntime-node');
    return true;
  } catch {
    return false;
  }
})();
