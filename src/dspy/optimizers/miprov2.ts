/** MIPROv2 lives in ./miprov2/; this path stays for the imports that name it. */
export * from "./miprov2/index.js";
