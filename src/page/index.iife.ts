// placeholder, replaced below
console.debug("lifeguard page");
