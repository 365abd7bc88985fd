// Tests run the synth CLI in this process, some with rendering changed through jest's spies: the
// render cache (src/synth/render-cache.ts) would hand them what an earlier run rendered, and keep
// what a spy rendered. Its own tests turn it on, in folders of their own.
process.env.LGP_RENDER_CACHE = 'off';
