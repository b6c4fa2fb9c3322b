// Colours: edges by relation type (adversarial types in reds, and dashed), nodes by bloc.

export const TYPE_COLORS = {
  partnership: "#2b7bba",
  investment: "#2e9e5b",
  acquisition: "#7b5ea7",
  supply: "#d99a1e",
  membership: "#1aa3b3",
  competition: "#e0452b",
  litigation: "#a3162d",
  investigation: "#d6337f",
};

export const BLOC_COLORS = [
  "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
  "#b07aa1", "#ff9da7", "#9c755f", "#6b8e23", "#8c6bb1", "#17becf",
];

export const NO_BLOC = "#9aa3ad";
export const FADED_NODE = "#d5d9de";
export const FADED_EDGE = "#e6e8eb";

export function blocColor(bloc) {
  return bloc === null || bloc === undefined || bloc >= BLOC_COLORS.length
    ? NO_BLOC
    : BLOC_COLORS[bloc];
}

export function typeColor(type) {
  return TYPE_COLORS[type] || "#888888";
}
