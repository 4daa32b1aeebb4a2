// The README's tested code blocks: a line `<!-- test: NAME -->` right before a fenced block names
// it. The tests write each block to a file of that name and run it exactly as written.
export function readmeBlocks(markdown) {
  const blocks = {};
  const pattern = /<!-- test: ([\w.-]+) -->\n```[\w-]*\n([\s\S]*?)\n```/g;
  for (const [, name, code] of markdown.matchAll(pattern)) {
    if (name in blocks) throw new Error(`README: two blocks named ${name}`);
    blocks[name] = code + '\n';
  }
  for (const name of ['quickstart-node.mjs', 'quickstart-browser.html', 'quickstart-browser.js', 'quickstart-init.js', 'quickstart-offblocks.mjs']) {
    if (!(name in blocks)) throw new Error(`README: no block named ${name}`);
  }
  return blocks;
}
