/** Types for the one undici module http-pool.ts loads directly (see there why): its export is the Pool class. */
declare module 'undici/lib/dispatcher/pool.js' {
  import type { Pool } from 'undici';
  const PoolClass: typeof Pool;
  export default PoolClass;
}
