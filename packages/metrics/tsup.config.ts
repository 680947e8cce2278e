import { harpiaTsup } from "../../tsup.base";

export default harpiaTsup();
