// Node labels with a white halo, so a name stays readable over edges.
// picture.js draws the same halo in the SVG.

export const HALO = { color: 'rgba(255, 255, 255, 0.92)', width: 3 };

export function drawLabel(context, data, settings) {
  if (!data.label) return;
  const size = settings.labelSize;
  context.font = `${settings.labelWeight} ${size}px ${settings.labelFont}`;
  const x = data.x + data.size + 3;
  const y = data.y + size / 3;
  context.lineJoin = 'round';
  context.lineWidth = HALO.width;
  context.strokeStyle = HALO.color;
  context.strokeText(data.label, x, y);
  context.fillStyle = settings.labelColor.color || '#000';
  context.fillText(data.label, x, y);
}
