/**
 * The listings a Marketplace reader sees: the action's branding (GitHub Marketplace badge) and the
 * Azure DevOps extension manifest (details page, links, categories).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** The Feather icons GitHub accepts for branding.icon (SchemaStore github-action schema). */
const GITHUB_FEATHER_ICONS = `
  activity airplay alert-circle alert-octagon alert-triangle align-center align-justify align-left
  align-right anchor aperture archive arrow-down-circle arrow-down-left arrow-down-right arrow-down
  arrow-left-circle arrow-left arrow-right-circle arrow-right arrow-up-circle arrow-up-left
  arrow-up-right arrow-up at-sign award bar-chart-2 bar-chart battery-charging battery bell-off bell
  bluetooth bold book-open book bookmark box briefcase calendar camera-off camera cast check-circle
  check-square check chevron-down chevron-left chevron-right chevron-up chevrons-down chevrons-left
  chevrons-right chevrons-up circle clipboard clock cloud-drizzle cloud-lightning cloud-off
  cloud-rain cloud-snow cloud code command compass copy corner-down-left corner-down-right
  corner-left-down corner-left-up corner-right-down corner-right-up corner-up-left corner-up-right
  cpu credit-card crop crosshair database delete disc dollar-sign download-cloud download droplet
  edit-2 edit-3 edit external-link eye-off eye facebook fast-forward feather file-minus file-plus
  file-text file film filter flag folder-minus folder-plus folder gift git-branch git-commit
  git-merge git-pull-request globe grid hard-drive hash headphones heart help-circle home image inbox
  info italic layers layout life-buoy link-2 link list loader lock log-in log-out mail map-pin map
  maximize-2 maximize menu message-circle message-square mic-off mic minimize-2 minimize minus-circle
  minus-square minus monitor moon more-horizontal more-vertical move music navigation-2 navigation
  octagon package paperclip pause-circle pause percent phone-call phone-forwarded phone-incoming
  phone-missed phone-off phone-outgoing phone pie-chart play-circle play plus-circle plus-square plus
  pocket power printer radio refresh-ccw refresh-cw repeat rewind rotate-ccw rotate-cw rss save
  scissors search send server settings share-2 share shield-off shield shopping-bag shopping-cart
  shuffle sidebar skip-back skip-forward slash sliders smartphone speaker square star stop-circle sun
  sunrise sunset tablet tag target terminal thermometer thumbs-down thumbs-up toggle-left
  toggle-right trash-2 trash trending-down trending-up triangle truck tv type umbrella underline
  unlock upload-cloud upload user-check user-minus user-plus user-x user users video-off video
  voicemail volume-1 volume-2 volume-x volume watch wifi-off wifi wind x-circle x-square x zap-off
  zap zoom-in zoom-out
`
  .split(/\s+/)
  .filter(Boolean);
const BRANDING_COLORS = ['white', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark'];

test('action.yml branding: a Feather icon GitHub supports and one of its badge colours', () => {
  expect(GITHUB_FEATHER_ICONS.length).toBeGreaterThan(250);
  const { branding } = parse(read('action.yml')) as { branding: { icon: string; color: string } };
  expect(GITHUB_FEATHER_ICONS).toContain(branding.icon);
  expect(BRANDING_COLORS).toContain(branding.color);
});

test('vss-extension.json: details page, licence, repository, links, categories and tags', () => {
  const manifest = JSON.parse(read('vss-extension.json'));
  expect(manifest.content.details.path).toBe('overview.md');
  expect(manifest.content.license.path).toBe('LICENSE');
  for (const file of [manifest.content.details.path, manifest.content.license.path]) {
    expect(manifest.files).toContainEqual(expect.objectContaining({ path: file }));
  }
  expect(manifest.repository).toEqual({
    type: 'git',
    uri: expect.stringMatching(/^https:\/\/github\.com\/[^/]+\/[^/]+$/),
  });
  for (const link of ['getstarted', 'support', 'license', 'repository']) {
    expect(manifest.links[link].uri.startsWith(manifest.repository.uri)).toBe(true);
  }
  expect(manifest.categories).toEqual(['Azure Pipelines']);
  expect(manifest.tags).toEqual(expect.arrayContaining(['Azure Machine Learning', 'AKS']));
});

test('overview.md: what it is, a YAML example of the task, the inputs and a link to the README', () => {
  const overview = read('overview.md');
  const task = JSON.parse(read('task.json'));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(overview)?.[1] ?? '';
  const step = (parse(yaml) as { steps: Array<{ task?: string; inputs?: Record<string, string> }> }).steps[0];
  expect(step.task).toBe(`${task.name}@${task.version.Major}`);
  const names = task.inputs.map((i: { name: string }) => i.name);
  for (const input of Object.keys(step.inputs ?? {})) expect(names).toContain(input);
  for (const required of task.inputs
    .filter((i: { required?: boolean }) => i.required)
    .map((i: { name: string }) => i.name)) {
    expect(overview).toContain(`**${required}**`);
  }
  expect(overview).toMatch(/\[README\]\(https:\/\/github\.com\/.+#readme\)/);
});
